# Makes a view's final HTML from its template; run by the build (see CMakeLists.txt):
#
#   cmake -DTEMPLATE=map.html -DJS_DIR=/usr/share/javascript -DOUTPUT=map.html -DDEPFILE=map.html.d
#         -P assemble.cmake
#
# Each <link rel="stylesheet" href="F"> becomes <style>F's text</style>, and each
# <script src="F"></script> becomes <script>F's text</script>. F is beside the template, or under
# /usr/share/javascript, which stands for JS_DIR (Debian's libjs-* packages). Source-map comments
# go, and so do the CSS url()s of Leaflet's images (marker and layer icons, which the map does not
# use): the document must not ask for anything. DEPFILE lists every file read, for the rebuild.
foreach(name TEMPLATE JS_DIR OUTPUT DEPFILE)
  if(NOT DEFINED ${name})
    message(FATAL_ERROR "assemble.cmake: -D${name}=... is missing")
  endif()
endforeach()

get_filename_component(template_dir "${TEMPLATE}" DIRECTORY)
file(READ "${TEMPLATE}" html)
set(inputs "${TEMPLATE}")

# The text of file F (as written in the template), ready to go inside <style> or <script>.
function(read_inlined reference out)
  if(reference MATCHES "^/usr/share/javascript/(.*)")
    set(path "${JS_DIR}/${CMAKE_MATCH_1}")
  else()
    set(path "${template_dir}/${reference}")
  endif()
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "${TEMPLATE}: ${reference}: no such file ${path} "
                        "(Debian: apt-get install libjs-leaflet libjs-leaflet.markercluster libjs-chart.js)")
  endif()
  file(READ "${path}" text)
  string(REGEX REPLACE "//# sourceMappingURL=[^\n]*" "" text "${text}")
  string(REGEX REPLACE "/\\*# sourceMappingURL=[^*]*\\*/" "" text "${text}")
  string(REGEX REPLACE "url\\(images/[^)]*\\)" "none" text "${text}")
  string(TOLOWER "${text}" lower)
  if(lower MATCHES "</(script|style)")
    message(FATAL_ERROR "${TEMPLATE}: ${path} holds '</${CMAKE_MATCH_1}', which would end its element early")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
  set(inputs "${inputs};${path}" PARENT_SCOPE)
endfunction()

string(REGEX MATCHALL "<link rel=\"stylesheet\" href=\"[^\"]+\">" links "${html}")
foreach(tag IN LISTS links)
  string(REGEX REPLACE ".*href=\"([^\"]+)\".*" "\\1" reference "${tag}")
  read_inlined("${reference}" text)
  string(REPLACE "${tag}" "<style>\n${text}\n</style>" html "${html}")
endforeach()

string(REGEX MATCHALL "<script src=\"[^\"]+\"></script>" scripts "${html}")
foreach(tag IN LISTS scripts)
  string(REGEX REPLACE ".*src=\"([^\"]+)\".*" "\\1" reference "${tag}")
  read_inlined("${reference}" text)
  string(REPLACE "${tag}" "<script>\n${text}\n</script>" html "${html}")
endforeach()

file(WRITE "${OUTPUT}" "${html}")
list(JOIN inputs " " depends)
file(WRITE "${DEPFILE}" "${OUTPUT}: ${depends}\n")
