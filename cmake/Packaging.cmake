# The Debian package (scripts/package.sh: `cpack -G DEB` in the RelWithDebInfo build tree,
# stripped): both binaries, the desktop entry, icons, AppStream metainfo, man pages, the
# onair-server system service with its user and data directory (packaging/). Install rules
# are in app/CMakeLists.txt.
set(ONAIR_PACKAGE_MAINTAINER "OnAir maintainers <maintainers@users.noreply.b-seed-7e7bc9a1.example>"
  CACHE STRING "Maintainer field of the Debian package")
set(ONAIR_PACKAGE_HOMEPAGE "https://onair.example.org/" CACHE STRING "Homepage field of the Debian package")

set(CPACK_PACKAGE_NAME onair)
set(CPACK_PACKAGE_VENDOR "OnAir")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${ONAIR_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live audio broadcast control room and server")
set(CPACK_PACKAGE_HOMEPAGE_URL "${ONAIR_PACKAGE_HOMEPAGE}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# One package from two components: the default one and "system" (the service, /etc, the
# package's documents), which a plain `cmake --install` leaves out.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified system)

set(CPACK_DEBIAN_PACKAGE_NAME onair)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ONAIR_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${ONAIR_PACKAGE_HOMEPAGE}")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; CPack indents these lines (an empty one
# becomes " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Speak into a microphone; everyone who joined the stream hears it live.
Listeners open a web page on a phone or computer and need nothing installed.

This package holds onair, the desktop control room, and onair-server, the
broadcast engine without a window, with a systemd service (user onair, data
in /var/lib/onair, settings in /etc/default/onair-server). Replicas join
through Redis and share PostgreSQL behind a load balancer.")
# Depends from the binaries' shared libraries (dpkg-shlibdeps), plus what is loaded at run
# time and so invisible to it: the SQLite driver (the default store), the maintainer
# scripts' adduser, the desktop's X11/Wayland platform plugins and the SVG icon engine (its
# window icon is an SVG).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libqt6sql6-sqlite")
if(ONAIR_BUILD_DESKTOP)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", qt6-qpa-plugins, libqt6svg6")
endif()
# PostgreSQL for replicas (--database); the models and voices of live interpretation.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6sql6-psql")
if(TARGET onair_stages)
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", pocketsphinx-en-us, apertium, apertium-eng-spa")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${PROJECT_SOURCE_DIR}/packaging/debian/conffiles"
  "${PROJECT_SOURCE_DIR}/packaging/debian/postinst"
  "${PROJECT_SOURCE_DIR}/packaging/debian/prerm"
  "${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
