/* SPDX-License-Identifier: Apache-2.0 */
/* web/hreflang: hreflang code validation against the ISO 639 and ISO 3166-1 code lists.
 *
 * The tables below are the two- and three-letter codes of the Debian iso-codes lists
 * (iso_639-2.json, iso_3166-1.json), concatenated and sorted so a binary search finds a code. */
#include "web/hreflang.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char iso639_1_codes[] =
    "aaabaeafakamanarasavayazbabebgbhbibmbnbobrbscacechcocrcscucvcydadedvdzeeeleneoeseteufafffifjfofr"
    "fygagdglgngugvhahehihohrhthuhyhziaidieigiiikioisitiujajvkakgkikjkkklkmknkokrkskukvkwkylalblgliln"
    "loltlulvmgmhmimkmlmnmrmsmtmynanbndnengnlnnnonrnvnyocojomorospapiplpsptqurmrnrorurwsascsdsesgsisk"
    "slsmsnsosqsrssstsusvswtatetgthtitktltntotrtstttwtyugukuruzvevivowawoxhyiyozazhzu";
static const char iso639_2_only_codes[] =
    "aceachadaadyafaafhainakkalealgaltanganpapaarcarnarpartarwastathausawabadbaibalbanbasbatbejbember"
    "bhobikbinblabntbrabtkbuabugbyncadcaicarcaucebcelchbchgchkchmchnchochpchrchycmccnrcopcpecpfcppcrh"
    "crpcsbcusdakdardaydeldendgrdindoidradsbduadumdyuefiegyekaelxenmewofanfatfilfiufonfrmfrofrrfrsfur"
    "gaagaygbagemgezgilgmhgohgongorgotgrbgrcgswgwihaihawhilhimhithmnhsbhupibaijoiloincineinhirairojbo"
    "jprjrbkaakabkackamkarkawkbdkhakhikhokmbkokkoskpekrckrlkrokrukumkutladlahlamlezlollozlualuilunluo"
    "lusmadmagmaimakmanmapmasmdfmdrmenmgamicminmismkhmncmnimnomohmosmulmunmusmwlmwrmynmyvnahnainapnds"
    "newnianicniunognonnqonsonubnwcnymnynnyonziosaotaotopaapagpalpampappaupeophiphnponpraprorajraprar"
    "roaromrupsadsahsaisalsamsassatscnscoselsemsgasgnshnsidsiositslasmasmismjsmnsmssnksogsonsrnsrrssa"
    "suksussuxsycsyrtaitemtertettigtivtkltlhtlitmhtogtpitsitumtuptuttvltyvudmugaumbundvaivotwakwalwar"
    "waswenxalyaoyapypkzapzblzenzghzndzunzxxzza";
static const char iso3166_1_codes[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCN"
    "COCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHM"
    "HNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMK"
    "MLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURW"
    "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVI"
    "VNVUWFWSYEYTZAZMZW";

/* Binary search for the width-letter code in a sorted concatenation. */
static bool code_in(const char *table, size_t width, const char *code)
{
    size_t low = 0, high = strlen(table) / width;
    while (low < high) {
        size_t middle = (low + high) / 2;
        int order = strncmp(table + middle * width, code, width);
        if (order == 0)
            return true;
        if (order < 0)
            low = middle + 1;
        else
            high = middle;
    }
    return false;
}

static bool all_alpha(const char *s, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (!isalpha((unsigned char)s[i]))
            return false;
    return true;
}

static bool all_digit(const char *s, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static void case_copy(const char *s, size_t length, char *dst, int (*convert)(int))
{
    for (size_t i = 0; i < length; i++)
        dst[i] = (char)convert((unsigned char)s[i]);
    dst[length] = '\0';
}

static bool valid_language(const char *s, size_t length)
{
    char code[4];
    if ((length != 2 && length != 3) || !all_alpha(s, length))
        return false;
    case_copy(s, length, code, tolower);
    return length == 2 ? code_in(iso639_1_codes, 2, code) : code_in(iso639_2_only_codes, 3, code);
}

static bool valid_region(const char *s, size_t length)
{
    char code[3];
    if (length == 3)
        return all_digit(s, length);
    if (length != 2 || !all_alpha(s, length))
        return false;
    case_copy(s, length, code, toupper);
    return code_in(iso3166_1_codes, 2, code);
}

bool hreflang_is_valid(const char *code, size_t length)
{
    if (length == 9 && strncasecmp(code, "x-default", 9) == 0)
        return true;
    const char *subtags[4];
    size_t lengths[4];
    size_t count = 0;
    size_t start = 0;
    for (size_t i = 0; i <= length; i++) {
        if (i < length && code[i] != '-')
            continue;
        if (count == 3)
            return false;
        subtags[count] = code + start;
        lengths[count++] = i - start;
        start = i + 1;
    }
    if (!valid_language(subtags[0], lengths[0]))
        return false;
    size_t next = 1;
    if (next < count && lengths[next] == 4 && all_alpha(subtags[next], 4))
        next++;
    if (next < count && valid_region(subtags[next], lengths[next]))
        next++;
    return next == count;
}
