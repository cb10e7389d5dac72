"""The notification exchange: custody events in, one notification per matching registration out.

The database is the source of truth and the job queue only runs work:

* ``record_event`` stores an event once (its id makes a repeat harmless) and queues the fan-out;
* ``fan_out`` creates one notification row per matching active registration — unique per event
  and registration, so nothing is sent twice for one event and registration — and queues sends;
* ``send_batch`` claims due notifications with a conditional UPDATE (two workers never send the
  same one), sends each through the sender interface and records the attempt;
* voice notifications are called again every ``voice_retry_minutes`` until the PIN is entered,
  for ``voice_retry_hours`` (as VINE does); failed sends are retried with exponential backoff;
* ``sweep`` (every minute) queues whatever is due, expires registrations and sends reminders:
  work lost with a process (an in-process queue dies with it) is picked up again.
"""
