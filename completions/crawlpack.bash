# bash completion for crawlpack. Commands and options come from crawlpack's own help at
# completion time, so they are always those of the installed version.
_crawlpack()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$(crawlpack --help 2>/dev/null |
            awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
            --help --version" -- "$cur"))
        return
    fi
    case $cur in
    -*)
        COMPREPLY=($(compgen -W "$(crawlpack help "${COMP_WORDS[1]}" 2>/dev/null |
            grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z0-9-]*' | tr -d ' ,' | sort -u)" -- "$cur"))
        ;;
    *)
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    esac
}
complete -o filenames -F _crawlpack crawlpack
