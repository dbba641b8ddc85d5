# validator/: pure classification logic (libcore.a).
libcore_a_SOURCES += validator/addr.h validator/truth.h \
	validator/observation.h validator/verdict.h
