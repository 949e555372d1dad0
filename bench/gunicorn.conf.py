"""gunicorn's settings for the benchmarks' servers, given with `-c` so that the portal's
production file (../gunicorn.conf.py, which gunicorn would otherwise read from the
working folder) does not apply: its access log would print every request of a load
test, and its worker recycling (`max_requests`) would restart the payment sandbox's
single worker, whose fault settings and webhook delivery lanes live in the process.
Workers, threads, binding and timeout come from the bench's command line."""

# Two gunicorns on one machine would share the per-user control socket.
control_socket_disable = True
