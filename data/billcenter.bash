# bash completion for billcenter(1): commands, their second words, each
# command's options (the same table as src/cli/cli.c) and the values options
# take. Stands alone: needs none of bash-completion's helpers.

_billcenter_opts()   # options of command $1 besides the global ones
{
    case $1 in
        init) echo "--demo --scale" ;;
        "catalog check") echo "" ;;
        quote) echo "--json --account --product --to-plan --to-seats --to-period --from-plan
                     --from-seats --from-period --period-start --period-end --item-start
                     --billed --credited --balance --country --vat-number --currency" ;;
        "order place") echo "--json --account --product --to-plan --to-seats --to-period
                             --idempotency-key --expect-due --card --card-exp --save-card
                             --vat-number --country --update-billing-info --cart" ;;
        "account add") echo "--json --name --country --currency --kind --vat-number --address
                             --legal-name --contact-name --contact-email" ;;
        "account edit") echo "--json --name --country --kind --vat-number --address
                              --legal-name" ;;
        "account show"|"account import"|orders|reconcile|"operator list") echo "--json" ;;
        audit) echo "--json --account --since" ;;
        "operator add") echo "--role" ;;
        "operator remove") echo "" ;;
        "contact set-pin") echo "--email" ;;
        backup) echo "--force" ;;
        migrate) echo "--to --json" ;;
        renew) echo "--json --account --dry-run" ;;
        "subscription cancel"|"subscription reactivate"|"subscription unschedule")
            echo "--json --account --product" ;;
        "subscription schedule") echo "--json --account --product --to-plan --to-seats --to-period" ;;
        "subscription pay") echo "--json --account --product --card --card-exp" ;;
        events) echo "--json --after" ;;
        "events deliver") echo "--json" ;;
    esac
}

_billcenter()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" i w cmd="" nwords=0
    local globals="--db --catalog --lang --kiosk --date --help --version"
    local valued="--db|--catalog|--lang|--date|--scale|--account|--product|--to-plan|--to-seats|--to-period|--from-plan|--from-seats|--from-period|--period-start|--period-end|--item-start|--billed|--credited|--balance|--country|--vat-number|--currency|--idempotency-key|--expect-due|--card|--card-exp|--since|--role|--email|--name|--kind|--address|--legal-name|--contact-name|--contact-email|--after"
    local -a words=()

    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    # The words before the cursor that are not options or their values.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --*=*) ;;
            -*) eval "case \$w in $valued) ((i++)) ;; esac" ;;
            *) words+=("$w") ;;
        esac
    done
    nwords=${#words[@]}

    case $prev in
        --lang) COMPREPLY=($(compgen -W "en it" -- "$cur")); return ;;
        --to-period|--from-period) COMPREPLY=($(compgen -W "monthly annual" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "admin operator readonly" -- "$cur")); return ;;
        --kind) COMPREPLY=($(compgen -W "standard corporate" -- "$cur")); return ;;
        --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --catalog) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    if eval "case \$prev in $valued) true ;; *) false ;; esac"; then
        COMPREPLY=()   # a value billcenter cannot guess
        return
    fi

    if [ "$nwords" -ge 1 ]; then
        case ${words[0]} in
            events)
                # "events" alone lists; "events deliver" hands them on.
                if [ "$nwords" -eq 1 ]; then
                    [[ $cur != -* ]] && { COMPREPLY=($(compgen -W "deliver" -- "$cur")); return; }
                    cmd="events"
                else
                    cmd="events ${words[1]}"
                fi ;;
            catalog|order|account|operator|contact|subscription)
                if [ "$nwords" -eq 1 ]; then
                    case ${words[0]} in
                        catalog) w="check" ;;
                        order) w="place" ;;
                        account) w="show add edit import" ;;
                        operator) w="add remove list" ;;
                        contact) w="set-pin" ;;
                        subscription) w="cancel reactivate schedule unschedule pay" ;;
                    esac
                    [[ $cur != -* ]] && { COMPREPLY=($(compgen -W "$w" -- "$cur")); return; }
                    cmd=""
                else
                    cmd="${words[0]} ${words[1]}"
                fi ;;
            *) cmd=${words[0]} ;;
        esac
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$globals $(_billcenter_opts "$cmd")" -- "$cur"))
        return
    fi
    case $cmd in
        "") [ "$nwords" -eq 0 ] && COMPREPLY=($(compgen -W "init catalog quote order account
                orders audit reconcile operator contact backup migrate renew
                subscription events" -- "$cur")) ;;
        "catalog check") COMPREPLY=($(compgen -d -- "$cur")) ;;
        backup|"account import") COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _billcenter billcenter
