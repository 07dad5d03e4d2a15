/* plans.h — the shipped catalog's tiers (the plans directory) as the stress tests
 * need them to choose valid and invalid changes: rank order and seat
 * bounds. If the catalog changes, the tests' refusal counts show it. */
#ifndef BC_STRESS_PLANS_H
#define BC_STRESS_PLANS_H

#include <string.h>

struct stress_plan {
    const char *product, *plan;
    int rank, min, max;
};

static const struct stress_plan stress_plans[] = {
    {"gotomeeting", "professional", 1, 1, 250},
    {"gotomeeting", "business", 2, 1, 250},
    {"gotomeeting", "enterprise", 3, 5, 1000},
    {"gototraining", "starter", 1, 1, 50},
    {"gototraining", "pro", 2, 1, 100},
    {"gototraining", "enterprise", 3, 5, 250},
    {"gotowebinar", "lite", 1, 1, 50},
    {"gotowebinar", "standard", 2, 1, 50},
    {"gotowebinar", "pro", 3, 1, 100},
    {"gotowebinar", "enterprise", 4, 5, 250},
};
#define STRESS_NPLANS (sizeof stress_plans / sizeof stress_plans[0])

static inline const struct stress_plan *stress_plan_find(const char *product, const char *plan)
{
    for (size_t i = 0; i < STRESS_NPLANS; i++)
        if (strcmp(stress_plans[i].product, product) == 0 && strcmp(stress_plans[i].plan, plan) == 0)
            return &stress_plans[i];
    return NULL;
}

/* The plan of product with the given rank, or NULL. */
static inline const struct stress_plan *stress_plan_rank(const char *product, int rank)
{
    for (size_t i = 0; i < STRESS_NPLANS; i++)
        if (strcmp(stress_plans[i].product, product) == 0 && stress_plans[i].rank == rank)
            return &stress_plans[i];
    return NULL;
}

#endif
