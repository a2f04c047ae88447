-- helios must be preloaded; CREATE EXTENSION installs the access method.
CREATE EXTENSION helios;
SELECT amname, amtype FROM pg_am WHERE amname = 'helios';
SELECT extname, extnamespace::regnamespace FROM pg_extension WHERE extname = 'helios';
SELECT helios.helios_preloaded();
