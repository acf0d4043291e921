# SPDX-License-Identifier: Apache-2.0
# embed_assets.cmake: report.html's stylesheet and script as C strings, so the report needs no file
# beside the binary. Run by the build: cmake -DCSS=... -DJS=... -DOUT=... -P embed_assets.cmake
# Each byte becomes a \xNN escape, so any text survives the C compiler unchanged.
function(embed_as_string path variable)
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
  set(${variable} "${escaped}" PARENT_SCOPE)
endfunction()

embed_as_string("${CSS}" css)
embed_as_string("${JS}" js)
file(WRITE "${OUT}.tmp"
  "/* Generated from reports/report_html.css and reports/report_html.js by reports/embed_assets.cmake. */\n"
  "#include \"reports/report_html_internal.h\"\n"
  "const char report_html_css[] = \"${css}\";\n"
  "const char report_html_js[] = \"${js}\";\n")
file(RENAME "${OUT}.tmp" "${OUT}")
