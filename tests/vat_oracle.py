#!/usr/bin/python3
"""vat_oracle.py — billcenter's VAT number check against python-stdnum.

For each of the 27 EU member states this generates numbers of every shape
the state uses: valid ones (random digits, then the check character(s) that
python-stdnum accepts) and the same numbers with one check character
changed. Each number goes to the C driver (tests/vat_check.c) three ways —
with its country and prefix, with the prefix alone, with the country and
no prefix — and every answer must be stdnum.eu.vat.is_valid's; for an
accepted number the normalised form must be stdnum's too.

    /usr/bin/python3 tests/vat_oracle.py BUILD/tests/vat_check [--per-state N]

Exit 0 when all agree, 1 on any disagreement, 77 (skip) without stdnum.
$BC_TEST_WRAPPER (e.g. "valgrind -q --error-exitcode=99") prefixes the
driver. The seed is fixed: every run checks the same numbers.
"""

import datetime
import itertools
import os
import random
import subprocess
import sys

try:
    from stdnum import luhn
    from stdnum.eu import vat as stdnum_vat
    from stdnum.util import get_cc_module
except ImportError:
    print('vat-oracle: SKIP: python3-stdnum is not installed for %s' % sys.executable)
    sys.exit(77)

SEED = 20261125
DIGITS = '0123456789'
NONZERO = '123456789'
UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
FR_KEYS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'
IE_LETTERS = 'WABCDEFGHIJKLMNOPQRSTUV'


def rd(r, n, alphabet=DIGITS):
    return ''.join(r.choice(alphabet) for _ in range(n))


def random_date(r, first_year, last_year):
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(r.randint(start, end))


class Variant:
    """One shape of a state's numbers. make(r) returns the characters of a
    number with placeholders, the check positions to search (position,
    alphabet) and further check positions that mutations may change; post
    turns the full form into the form written (e.g. leading zero left out)."""

    def __init__(self, name, make, post=None):
        self.name = name
        self.make = make
        self.post = post or (lambda s: s)


def shape(text, search, extra=()):
    return list(text), list(search), list(extra)


def last_digit(text):
    return shape(text + '?', [(len(text), DIGITS)])


# Czech and Slovak birth numbers: 9 digits until 1953, 10 since.
def birth_number_9(r):
    d = random_date(r, 1880, 1953)
    month = d.month + r.choice((0, 50))
    text = '%02d%02d%02d%s' % (d.year % 100, month, d.day, rd(r, 3))
    # no check digit: the day's last digit is the character searched
    return shape(text[:5] + '?' + text[6:], [(5, DIGITS)], [(3, DIGITS)])


def birth_number_10(r):
    d = random_date(r, 1954, 2053)
    month = d.month + r.choice((0, 50, 20, 70))
    return last_digit('%02d%02d%02d%s' % (d.year % 100, month, d.day, rd(r, 3)))


def bg_egn(r):
    d = random_date(r, 1800, 2099)
    month = d.month + (20 if d.year < 1900 else 40 if d.year >= 2000 else 0)
    return last_digit('%02d%02d%02d%s' % (d.year % 100, month, d.day, rd(r, 3)))


def fr_numeric(siren):
    return shape('??' + siren, [(0, DIGITS), (1, DIGITS)], [(10, DIGITS)])


def fr_alpha(r, siren):
    first = r.choice(FR_KEYS)
    second = FR_KEYS[10:] if first in DIGITS else FR_KEYS
    return shape(first + '?' + siren, [(1, second)], [(0, FR_KEYS), (10, DIGITS)])


def fr_siren(r):
    body = rd(r, 8)
    return body + luhn.calc_check_digit(body)


def it_iva(r):
    body = rd(r, 7)
    while int(body) == 0:
        body = rd(r, 7)
    office = r.choice(['%03d' % n for n in range(1, 101)] + ['120', '121', '888', '999'])
    return last_digit(body + office)


def lv_person(r):
    d = random_date(r, 1800, 2099)
    century = (d.year - 1800) // 100
    return last_digit('%02d%02d%02d%d%s' % (d.day, d.month, d.year % 100, century, rd(r, 3)))


def ro_cui(r):
    length = r.randint(2, 10)
    return last_digit(r.choice(NONZERO) + rd(r, length - 2))


def ro_cnp(r):
    sex = r.choice(NONZERO)
    first = {'3': 1800, '4': 1800, '5': 2000, '6': 2000}.get(sex, 1900)
    d = random_date(r, first, first + 99)
    return last_digit('%s%02d%02d%02d%s' % (sex, d.year % 100, d.month, d.day, rd(r, 5)))


def nl_bsn(r, zeros=0):
    suffix = '%02d' % r.randint(1, 99)
    return shape('0' * zeros + rd(r, 8 - zeros) + '?B' + suffix, [(8, DIGITS)])


def cif(r, alphabet):
    return shape(r.choice('ABCDEFGHJNPQRSUVW') + rd(r, 7) + '?', [(8, alphabet)],
                 [(8, DIGITS + 'JABCDEFGHI')])


def cy(r):
    body = rd(r, 8)
    while body.startswith('12'):
        body = rd(r, 8)
    return shape(body + '?', [(8, UPPER)])


def strip_first(s):
    return s[1:]


V = Variant
STATES = [
    # (country given to billcenter, VAT prefix, variants)
    ('AT', 'AT', [V('U + 8', lambda r: shape('U' + rd(r, 7) + '?', [(8, DIGITS)]))]),
    ('BE', 'BE', [
        V('10 digits, 0/1', lambda r: shape(r.choice('01') + rd(r, 7) + '??',
                                            [(8, DIGITS), (9, DIGITS)])),
        V('10 digits, 2-9', lambda r: shape(r.choice('23456789') + rd(r, 7) + '??',
                                            [(8, DIGITS), (9, DIGITS)])),
        V('old 9 digits', lambda r: shape('0' + rd(r, 7) + '??', [(8, DIGITS), (9, DIGITS)]),
          strip_first),
    ]),
    ('BG', 'BG', [
        V('legal 9', lambda r: last_digit(rd(r, 8))),
        V('EGN', bg_egn),
        V('PNF/other 10', lambda r: last_digit(rd(r, 9))),
    ]),
    ('CY', 'CY', [V('8 + letter', cy)]),
    ('CZ', 'CZ', [
        V('legal 8', lambda r: last_digit(r.choice('012345678') + rd(r, 6))),
        V('special 9', lambda r: last_digit('6' + rd(r, 7))),
        V('birth number 9', birth_number_9),
        V('birth number 10', birth_number_10),
    ]),
    ('DE', 'DE', [V('9 digits', lambda r: last_digit(r.choice(NONZERO) + rd(r, 7)))]),
    ('DK', 'DK', [V('8 digits', lambda r: last_digit(r.choice(NONZERO) + rd(r, 6)))]),
    ('EE', 'EE', [V('9 digits', lambda r: last_digit(rd(r, 8)))]),
    ('GR', 'EL', [
        V('9 digits', lambda r: last_digit(rd(r, 8))),
        V('old 8 digits', lambda r: last_digit('0' + rd(r, 7)), strip_first),
    ]),
    ('ES', 'ES', [
        V('DNI', lambda r: shape(rd(r, 8) + '?', [(8, UPPER)])),
        V('NIE', lambda r: shape(r.choice('XYZ') + rd(r, 7) + '?', [(8, UPPER)])),
        V('K/L/M', lambda r: shape(r.choice('KLM') + rd(r, 7) + '?', [(8, UPPER)])),
        V('CIF digit', lambda r: cif(r, DIGITS)),
        V('CIF letter', lambda r: cif(r, 'JABCDEFGHI')),
    ]),
    ('FI', 'FI', [V('8 digits', lambda r: last_digit(rd(r, 7)))]),
    ('FR', 'FR', [
        V('numeric key', lambda r: fr_numeric(fr_siren(r))),
        V('letter key', lambda r: fr_alpha(r, fr_siren(r))),
        V('Monaco numeric', lambda r: fr_numeric('000' + rd(r, 6))),
        V('Monaco letter', lambda r: fr_alpha(r, '000' + rd(r, 6))),
    ]),
    ('HR', 'HR', [V('11 digits', lambda r: last_digit(rd(r, 10)))]),
    ('HU', 'HU', [V('8 digits', lambda r: last_digit(rd(r, 7)))]),
    ('IE', 'IE', [
        V('7 + letter', lambda r: shape(rd(r, 7) + '?', [(7, IE_LETTERS)])),
        V('7 + 2 letters', lambda r: shape(rd(r, 7) + '?' + r.choice(IE_LETTERS),
                                           [(7, IE_LETTERS)], [(8, IE_LETTERS)])),
        V('old style', lambda r: shape(rd(r, 1) + r.choice(UPPER + '+*') + rd(r, 5) + '?',
                                       [(7, IE_LETTERS)])),
    ]),
    ('IT', 'IT', [V('11 digits', it_iva)]),
    ('LT', 'LT', [
        V('legal 9', lambda r: last_digit(rd(r, 7) + '1')),
        V('12 digits', lambda r: last_digit(rd(r, 10) + '1')),
    ]),
    ('LU', 'LU', [V('8 digits', lambda r: shape(rd(r, 6) + '??', [(6, DIGITS), (7, DIGITS)]))]),
    ('LV', 'LV', [
        V('legal', lambda r: last_digit(r.choice('456789') + rd(r, 9))),
        V('personal code', lv_person),
    ]),
    ('MT', 'MT', [V('8 digits', lambda r: shape(r.choice(NONZERO) + rd(r, 5) + '??',
                                                [(6, DIGITS), (7, DIGITS)]))]),
    ('NL', 'NL', [
        V('BSN + B01', nl_bsn),
        V('mod 97', lambda r: shape(rd(r, 9) + 'B??', [(10, DIGITS), (11, DIGITS)])),
        V('leading zeros left out', lambda r: nl_bsn(r, r.randint(1, 3)),
          lambda s: s.lstrip('0')),
    ]),
    ('PL', 'PL', [V('10 digits', lambda r: last_digit(rd(r, 9)))]),
    ('PT', 'PT', [V('9 digits', lambda r: last_digit(r.choice(NONZERO) + rd(r, 7)))]),
    ('RO', 'RO', [V('CUI 2-10', ro_cui), V('CNP 13', ro_cnp)]),
    ('SE', 'SE', [V('10 + 01', lambda r: shape(rd(r, 9) + '?01', [(9, DIGITS)]))]),
    ('SI', 'SI', [V('8 digits', lambda r: last_digit(r.choice(NONZERO) + rd(r, 6)))]),
    ('SK', 'SK', [
        V('legal 10', lambda r: last_digit(r.choice(NONZERO) + rd(r, 1) + r.choice('234789') +
                                           rd(r, 6))),
        V('birth number 10', birth_number_10),
    ]),
]


def make_valid(r, prefix, variant):
    """A number stdnum accepts: its written form and (chars, check positions)."""
    for _ in range(1000):
        chars, search, extra = variant.make(r)
        combos = list(itertools.product(*[alphabet for _, alphabet in search]))
        r.shuffle(combos)
        for combo in combos:
            for (pos, _), ch in zip(search, combo):
                chars[pos] = ch
            written = variant.post(''.join(chars))
            if stdnum_vat.is_valid(prefix + written):
                return written, chars, search + extra
    raise RuntimeError('no valid %s number of shape %s' % (prefix, variant.name))


def mutate(r, variant, chars, checks):
    """The number with one check character changed."""
    pos, alphabet = r.choice(checks)
    other = r.choice([c for c in alphabet if c != chars[pos]])
    changed = list(chars)
    changed[pos] = other
    return variant.post(''.join(changed))


def expected_form(prefix, number):
    """stdnum's normalised number with billcenter's prefix (EL for Greece).
    The state's own module gives the body: stdnum.eu.vat would not add the
    prefix again to a French number whose key is "FR"."""
    if not stdnum_vat.is_valid(number):
        return None
    module = get_cc_module('gr' if prefix == 'EL' else prefix.lower(), 'vat')
    body = module.validate(number)
    if prefix == 'RO' and body.startswith('RO'):
        body = body[2:]     # stdnum.ro.cf gives the number as it was written
    return prefix + body


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    driver = args[0]
    per_state = int(args[2]) if len(args) > 2 and args[1] == '--per-state' else 1000

    r = random.Random(SEED)
    cases = []      # (state, number given to stdnum, line for the driver, expected form)
    numbers = 0
    counts = {}
    for country, prefix, variants in STATES:
        valid = invalid = 0
        for i in range(per_state):
            variant = variants[i % len(variants)]
            # Greece: both prefixes and both codes name it
            pfx = prefix if i % 3 else {'EL': 'GR'}.get(prefix, prefix)
            cc = country if i % 2 else {'GR': 'EL'}.get(country, country)
            written, chars, checks = make_valid(r, pfx, variant)
            for number in (written, mutate(r, variant, chars, checks)):
                full = pfx + number
                form = expected_form(prefix, full)
                numbers += 1
                if form:
                    valid += 1
                else:
                    invalid += 1
                shown = full.lower() if numbers % 4 == 0 else full
                cases.append((country, full, '%s %s' % (cc, full), form))
                cases.append((country, full, '- %s' % shown, form))
                if not number.startswith(('EL', 'GR') if prefix == 'EL' else prefix):
                    cases.append((country, full, '%s %s' % (cc, number), form))
        counts[country] = (valid, invalid)

    wrapper = os.environ.get('BC_TEST_WRAPPER', '').split()
    proc = subprocess.run(wrapper + [driver], input=''.join(c[2] + '\n' for c in cases),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print('vat-oracle: driver exited %d: %s' % (proc.returncode, proc.stderr.strip()))
        return 1
    answers = proc.stdout.splitlines()
    if len(answers) != len(cases):
        print('vat-oracle: %d answers for %d lines' % (len(answers), len(cases)))
        return 1

    disagreements = 0
    per_country = dict.fromkeys(counts, 0)
    for (country, full, line, form), answer in zip(cases, answers):
        got = answer[2:] if answer.startswith('1 ') else None
        if got != form:
            disagreements += 1
            per_country[country] += 1
            if disagreements <= 50:
                print('disagree: %-22s billcenter %-18s stdnum %s' %
                      (line, got or 'invalid', form or 'invalid'))
    few = [cc for cc, (valid, invalid) in counts.items()
           if valid < per_state or invalid < per_state // 10]
    for cc, (valid, invalid) in counts.items():
        print('  %s: %d valid, %d invalid, %d disagreements' %
              (cc, valid, invalid, per_country[cc]))
    print('vat-oracle: %d states, %d numbers (%d lines), %d disagreements' %
          (len(counts), numbers, len(cases), disagreements))
    if few:
        print('vat-oracle: too few valid or invalid numbers for %s' % ' '.join(few))
        return 1
    return 1 if disagreements else 0


if __name__ == '__main__':
    sys.exit(main())
