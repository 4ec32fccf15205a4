# One INTERFACE target carries the compile settings every OnAir target shares.
add_library(onair_common INTERFACE)
target_compile_features(onair_common INTERFACE cxx_std_20)
target_compile_options(onair_common INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(ONAIR_WERROR)
  target_compile_options(onair_common INTERFACE -Werror)
endif()
target_compile_definitions(onair_common INTERFACE
  QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_USE_QSTRINGBUILDER
  QT_DISABLE_DEPRECATED_UP_TO=0x060400
  ONAIR_VERSION="${PROJECT_VERSION}")
if(ONAIR_SANITIZE)
  target_compile_options(onair_common INTERFACE -fsanitize=${ONAIR_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(onair_common INTERFACE -fsanitize=${ONAIR_SANITIZE})
endif()
