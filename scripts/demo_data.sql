-- Fleet telematics demo dataset for tracksolid_db (fleet-analytics-mcp sandbox).
--
-- Usage (as a superuser or the database owner, inside tracksolid_db):
--   psql -v ON_ERROR_STOP=1 --single-transaction -v scale=small -f scripts/demo_data.sql
-- The data lives in the present: it covers the n_days local (Africa/Nairobi) days that end with
-- yesterday, so "yesterday", "last week" and "this month" have answers, and no position is in the
-- future (the last one is at 23:59 local yesterday).
-- scale:  small = 5 vehicles x 2 days   (14,400 positions; for tests, loads in about a second)
--         demo  = 10 vehicles x 35 days (504,000 positions; 15-20 s, ~30 s with the hypertable, 2 cores)
--         bench = 40 vehicles x 35 days (2,016,000 positions; a minute or two)
-- Optional overrides: -v n_devices=N -v n_days=N, and the local dates -v end_date=YYYY-MM-DD (the
-- first day after the data; default today in Africa/Nairobi) or -v start_date=YYYY-MM-DD (the first
-- day of data; with both, n_days is the days between them).
--
-- Everything is deterministic: no random(); every "random" choice is a hash of its
-- coordinates (abs(hashtext(...)) % n, or hashint8 in the per-minute hot paths), so the
-- same scale loaded on the same day (or with the same dates) always yields the same rows.
-- Re-running drops and recreates the tracksolid, reporting and internal schemas
-- (grants on them are lost; run scripts/bootstrap_analytics_ro.sh afterwards).
--
-- Vehicles drive closed loops around Nairobi (-1.2864, 36.8172) during a daytime shift
-- (local time Africa/Nairobi, UTC+3, no DST), in 60-minute blocks of driving followed by
-- a stop with the ignition off, with a lunch break, rush-hour slowdowns, traffic stops,
-- some highway stretches and a few lead-footed drivers; at night they are parked.
-- The tracker reports once a minute, day and night.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET work_mem = '64MB';
SET max_parallel_maintenance_workers = 1;

\if :{?scale}
\else
  \set scale small
\endif
SELECT :'scale' IN ('small', 'demo', 'bench') AS scale_ok \gset
\if :scale_ok
\else
  \warn demo_data.sql: unknown scale :scale (use -v scale=small, demo or bench)
  DO $$ BEGIN RAISE EXCEPTION 'demo_data.sql: unknown scale; use -v scale=small, demo or bench'; END $$;
\endif
SELECT CASE :'scale' WHEN 'small' THEN 5 WHEN 'demo' THEN 10 ELSE 40 END AS default_n_devices,
       CASE :'scale' WHEN 'small' THEN 2 ELSE 35 END AS default_n_days \gset
\if :{?n_devices}
\else
  \set n_devices :default_n_devices
\endif
\if :{?n_days}
\else
  \set n_days :default_n_days
\endif
-- The dates: [start_date, end_date) in local days. Without either, the data ends with yesterday.
\if :{?start_date}
  \if :{?end_date}
    SELECT date :'end_date' - date :'start_date' AS n_days \gset
  \else
    SELECT date :'start_date' + :n_days AS end_date \gset
  \endif
\else
  \if :{?end_date}
  \else
    SELECT (now() AT TIME ZONE 'Africa/Nairobi')::date AS end_date \gset
  \endif
  SELECT date :'end_date' - :n_days AS start_date \gset
\endif
SELECT :n_days >= 1 AS n_days_ok \gset
\if :n_days_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'demo_data.sql: end_date must be after start_date (n_days >= 1)'; END $$;
\endif

CREATE EXTENSION IF NOT EXISTS postgis;

DROP SCHEMA IF EXISTS reporting CASCADE;
DROP SCHEMA IF EXISTS tracksolid CASCADE;
DROP SCHEMA IF EXISTS internal CASCADE;

CREATE SCHEMA tracksolid;
COMMENT ON SCHEMA tracksolid IS
  'Raw telemetry as ingested from the Tracksolid (Jimi IoT) platform: devices, minute-level GPS positions, alarms, geofences. Timestamps are timestamptz (UTC instants); the fleet operates in Africa/Nairobi local time (UTC+3).';
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS
  'Curated analytics layer built on tracksolid.*: trips, views, materialized views and reporting.fn_* functions. Prefer these over raw tables.';
CREATE SCHEMA internal;
COMMENT ON SCHEMA internal IS
  'Operational data of the ingestion service. Not for analytics: analytics_ro has no access here.';

-- ---------------------------------------------------------------------------
-- tracksolid.devices
CREATE TABLE tracksolid.devices (
  imei            text PRIMARY KEY CHECK (imei ~ '^[0-9]{15}$'),
  device_name     text NOT NULL,
  device_model    text,
  vehicle_plate   text UNIQUE,
  vehicle_model   text,
  driver_name     text,
  sim_iccid       text CHECK (sim_iccid ~ '^[0-9]{19,20}$'),
  device_group    text,
  speed_limit_kmh smallint NOT NULL DEFAULT 80 CHECK (speed_limit_kmh BETWEEN 20 AND 200),
  activated_at    timestamptz,
  status          text NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'inactive', 'maintenance', 'decommissioned')),
  last_seen       timestamptz,
  config          jsonb
);
COMMENT ON TABLE tracksolid.devices IS
  'One row per GPS tracker (identified by IMEI) and the vehicle it is fitted to. Optional fields are NULL for unassigned trackers.';
COMMENT ON COLUMN tracksolid.devices.imei IS '15-digit IMEI of the tracker; the key used by every telemetry table.';
COMMENT ON COLUMN tracksolid.devices.device_name IS 'Display name in the Tracksolid console (usually plate + vehicle model).';
COMMENT ON COLUMN tracksolid.devices.device_model IS 'Tracker hardware model (JC400P, GT06N, VL802, ...).';
COMMENT ON COLUMN tracksolid.devices.vehicle_plate IS 'Kenyan registration plate, e.g. ''KBX 123Y''; NULL when not fitted to a vehicle.';
COMMENT ON COLUMN tracksolid.devices.vehicle_model IS 'Make and model of the vehicle.';
COMMENT ON COLUMN tracksolid.devices.driver_name IS 'Assigned driver (UTF-8, may contain diacritics); NULL when unassigned.';
COMMENT ON COLUMN tracksolid.devices.sim_iccid IS 'ICCID of the SIM card in the tracker.';
COMMENT ON COLUMN tracksolid.devices.device_group IS 'Fleet group / department the vehicle belongs to.';
COMMENT ON COLUMN tracksolid.devices.speed_limit_kmh IS 'Overspeed threshold configured on the tracker; overspeed alarms fire above it.';
COMMENT ON COLUMN tracksolid.devices.activated_at IS 'When the tracker was activated on the platform.';
COMMENT ON COLUMN tracksolid.devices.status IS 'Lifecycle status: active, inactive, maintenance or decommissioned.';
COMMENT ON COLUMN tracksolid.devices.last_seen IS 'Time of the most recent position received (NULL if never reported).';
COMMENT ON COLUMN tracksolid.devices.config IS 'Tracker configuration as pushed by the platform (intervals, IO mapping as nested arrays).';

INSERT INTO tracksolid.devices
  (imei, device_name, device_model, vehicle_plate, vehicle_model, driver_name, sim_iccid,
   device_group, speed_limit_kmh, activated_at, status, config)
SELECT v.imei,
       v.plate || ' ' || v.vmodel,
       (ARRAY['JC400P', 'GT06N', 'VL802', 'AT4', 'X3'])[1 + d % 5],
       v.plate,
       v.vmodel,
       (ARRAY['Wanjirũ', 'Otieno', 'Achieng’', 'Mwangi', 'Chebet', 'Émile', 'Fatuma', 'Kipchoge'])[1 + (d - 1) % 8]
         || ' ' ||
       (ARRAY['Kamau', 'Odhiambo', 'Njoroge', 'Wafula', 'Mutua', 'Hassan', 'Nduwimana'])[1 + (d - 1) % 7],
       '89254' || lpad(((d * 7368787) % 100000000000000)::text, 14, '0'),
       (ARRAY['Deliveries', 'Field Service', 'Heavy Haulage', 'Executive'])[1 + d % 4],
       v.vlim,
       timestamptz '2023-01-09 08:00:00+03' + d * interval '9 days'
         + (abs(hashtext('act' || d)) % 600) * interval '1 minute',
       CASE WHEN d % 10 = 7 THEN 'maintenance' ELSE 'active' END,
       jsonb_build_object(
         'report_interval_s', 60,
         'heartbeat_s', 300,
         'overspeed_kmh', v.vlim,
         'io_map', jsonb_build_array(jsonb_build_array('din1', 'door'),
                                     jsonb_build_array('din2', CASE WHEN d % 3 = 0 THEN 'pto' ELSE 'panic' END)),
         'firmware', jsonb_build_object('version', '2.' || (d % 4) || '.' || (d % 9), 'channels', jsonb_build_array(1, 2)))
FROM generate_series(1, :n_devices) AS d
CROSS JOIN LATERAL (
  SELECT '8620' || lpad((d * 104729 + 31415)::text, 11, '0') AS imei,
         'K' || chr(65 + 1 + d % 4) || chr(65 + (d * 7) % 26) || ' '
           || lpad(((d * 37) % 900 + 100)::text, 3, '0') || chr(65 + (d * 11) % 26) AS plate,
         (ARRAY['Isuzu NQR', 'Toyota Hilux', 'Mitsubishi Canter', 'Toyota Probox',
                'Nissan NV350', 'Isuzu FRR', 'Toyota Land Cruiser', 'Scania P410'])[1 + (d - 1) % 8] AS vmodel,
         CASE WHEN (d - 1) % 8 IN (0, 2, 5, 7) THEN 80 ELSE 100 END AS vlim
) AS v;

-- A spare tracker: every optional field NULL, never reported.
INSERT INTO tracksolid.devices (imei, device_name, device_model, status)
VALUES ('869999000000001', 'Spare tracker (unassigned)', 'GT06N', 'decommissioned');

-- ---------------------------------------------------------------------------
-- tracksolid.geofences (stored in Web Mercator, EPSG:3857, as the console draws them)
CREATE TABLE tracksolid.geofences (
  geofence_id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL UNIQUE,
  kind            text NOT NULL CHECK (kind IN ('depot', 'customer', 'restricted', 'zone')),
  speed_limit_kmh smallint,
  area            geometry(Polygon, 3857) NOT NULL,
  created_at      timestamptz NOT NULL
);
COMMENT ON TABLE tracksolid.geofences IS
  'Geofences drawn in the Tracksolid console. NOTE: area is in EPSG:3857 (Web Mercator metres), not 4326; use ST_Transform(area, 4326) before comparing with positions.';
COMMENT ON COLUMN tracksolid.geofences.name IS 'Human-readable geofence name, unique.';
COMMENT ON COLUMN tracksolid.geofences.geofence_id IS 'Surrogate key.';
COMMENT ON COLUMN tracksolid.geofences.kind IS 'depot, customer, restricted or zone.';
COMMENT ON COLUMN tracksolid.geofences.speed_limit_kmh IS 'Speed limit inside the fence, NULL if none.';
COMMENT ON COLUMN tracksolid.geofences.area IS 'Fence polygon, SRID 3857 (Web Mercator).';
COMMENT ON COLUMN tracksolid.geofences.created_at IS 'When the fence was drawn.';

INSERT INTO tracksolid.geofences (name, kind, speed_limit_kmh, area, created_at)
SELECT name, kind, lim, ST_Transform(g, 3857), ts
FROM (VALUES
  ('Nairobi CBD', 'zone', 50::smallint,
   ST_MakeEnvelope(36.8120, -1.2930, 36.8290, -1.2790, 4326), timestamptz '2023-02-01 09:00+03'),
  ('Industrial Area Depot', 'depot', 20::smallint,
   ST_Buffer(ST_SetSRID(ST_MakePoint(36.8550, -1.3070), 4326)::geography, 600)::geometry, timestamptz '2023-02-01 09:05+03'),
  ('JKIA Cargo Terminal', 'customer', 30::smallint,
   ST_MakeEnvelope(36.9050, -1.3300, 36.9350, -1.3150, 4326), timestamptz '2023-03-14 11:30+03'),
  ('Westlands', 'zone', 50::smallint,
   ST_MakeEnvelope(36.7960, -1.2720, 36.8150, -1.2560, 4326), timestamptz '2023-05-20 16:45+03'),
  ('State House (no entry)', 'restricted', NULL::smallint,
   ST_MakeEnvelope(36.7990, -1.2880, 36.8090, -1.2800, 4326), timestamptz '2024-01-08 07:15+03')
) AS f(name, kind, lim, g, ts);
CREATE INDEX geofences_area_gist ON tracksolid.geofences USING gist (area);

-- ---------------------------------------------------------------------------
-- tracksolid.positions
CREATE TABLE tracksolid.positions (
  imei        text NOT NULL,
  gps_time    timestamptz NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  speed_kmh   real NOT NULL CHECK (speed_kmh >= 0),
  heading     smallint CHECK (heading BETWEEN 0 AND 359),
  ignition    boolean NOT NULL,
  satellites  smallint,
  odometer_km numeric(12, 3),
  raw         jsonb
);
COMMENT ON TABLE tracksolid.positions IS
  'GPS fixes, one per tracker per minute (day and night; parked vehicles keep reporting with ignition off). In production this is a TimescaleDB hypertable on gps_time.';
COMMENT ON COLUMN tracksolid.positions.imei IS 'Tracker IMEI (tracksolid.devices.imei).';
COMMENT ON COLUMN tracksolid.positions.gps_time IS 'GPS time of the fix (UTC instant).';
COMMENT ON COLUMN tracksolid.positions.geom IS 'Position, WGS84 lon/lat (SRID 4326). ST_Y = latitude, ST_X = longitude.';
COMMENT ON COLUMN tracksolid.positions.speed_kmh IS 'GPS speed in km/h.';
COMMENT ON COLUMN tracksolid.positions.heading IS 'Course over ground in degrees, 0 = north, clockwise.';
COMMENT ON COLUMN tracksolid.positions.ignition IS 'ACC/ignition line state: true = engine on.';
COMMENT ON COLUMN tracksolid.positions.satellites IS 'Satellites used in the fix; below 4 means no valid fix (position repeated).';
COMMENT ON COLUMN tracksolid.positions.odometer_km IS 'Cumulative odometer in km as computed by the tracker.';
COMMENT ON COLUMN tracksolid.positions.raw IS 'Extra tracker fields: gsm (signal 0-31), ext_v (supply voltage), fix, and every 15 minutes fuel_pct and cells (serving cell towers).';

CREATE TEMP TABLE gen_dev AS
SELECT d,
       '8620' || lpad((d * 104729 + 31415)::text, 11, '0') AS imei,
       -1.2864 + ((abs(hashtext('clat' || d)) % 1201) - 600) / 10000.0 AS clat,
       36.8172 + ((abs(hashtext('clon' || d)) % 1601) - 800) / 10000.0 AS clon,
       3 + abs(hashtext('a' || d)) % 6 AS a_km,
       4 + abs(hashtext('b' || d)) % 7 AS b_km,
       (abs(hashtext('ph' || d)) % 628) / 100.0 AS phase,
       20000 + abs(hashtext('odo' || d)) % 160000 AS odo0,
       28 + abs(hashtext('v' || d)) % 20 AS vbase,
       (d % 4 = 3) AS lead_foot,
       dv.speed_limit_kmh AS vlim
FROM generate_series(1, :n_devices) AS d
JOIN tracksolid.devices dv ON dv.imei = '8620' || lpad((d * 104729 + 31415)::text, 11, '0');

CREATE TEMP TABLE gen_day AS
SELECT g.d, day,
       330 + abs(hashtext('ss' || g.d || '/' || day)) % 120 AS shift_start,   -- 05:30-07:30
       1050 + abs(hashtext('se' || g.d || '/' || day)) % 180 AS shift_end,    -- 17:30-20:30
       day > 0 AND ((extract(isodow FROM date :'start_date' + day) = 7 AND g.d % 2 = 0)
                    OR abs(hashtext('off' || g.d || '/' || day)) % 19 = 0) AS day_off
FROM gen_dev g
CROSS JOIN generate_series(0, :n_days - 1) AS day;

INSERT INTO tracksolid.positions (imei, gps_time, geom, speed_kmh, heading, ignition, satellites, odometer_km, raw)
WITH m AS (
  SELECT g.*, gd.day, gd.day_off, gd.shift_start, gd.shift_end, mod,
         gd.day * 1440 + mod AS t,
         (mod - gd.shift_start) / 60 AS k,   -- block number within the shift
         (mod - gd.shift_start) % 60 AS o    -- minute within the block
  FROM gen_dev g
  JOIN gen_day gd USING (d)
  CROSS JOIN generate_series(0, 1439) AS mod
), s AS (
  SELECT m.*,
         -- Driving for the first 25-55 minutes of each block, then stopped with the
         -- engine off; block 6 (around midday) is the lunch break.
         (NOT day_off AND mod >= shift_start AND mod < shift_end AND k <> 6
          AND o < 25 + abs(hashint8(1000000000000 + d * 1000000 + day * 100 + k)) % 31) AS ign,
         abs(hashint8(3000000000000 + d * 100000000::bigint + t)) AS hm,
         abs(hashint8(2000000000000 + d * 1000000 + day * 100 + k)) % 6 = 0 AS highway
  FROM m
), v AS (
  SELECT s.*,
         round(CASE
           WHEN NOT ign THEN 0
           WHEN o < 2 THEN 0                       -- engine warming up
           WHEN hm % 11 = 0 THEN 0                 -- traffic light / jam
           WHEN highway THEN vlim - 25 + hm % 23
                             + CASE WHEN lead_foot AND hm % 5 = 0 THEN 25 + hm % 17 ELSE 0 END
           ELSE greatest(3, vbase * (0.55 + 0.45 * sin(o / 4.0 + d))
                            * CASE WHEN mod BETWEEN 420 AND 540 OR mod BETWEEN 1020 AND 1140 THEN 0.6 ELSE 1 END
                            + hm % 13 - 6)
         END::numeric, 1) AS spd
  FROM s
), c AS (
  SELECT v.*,
         sum(spd / 60.0) OVER (PARTITION BY d ORDER BY t) AS cum_km
  FROM v
), p AS (
  SELECT c.*,
         phase + 2 * pi() * cum_km / (2 * pi() * sqrt((a_km ^ 2 + b_km ^ 2) / 2.0)) AS th,
         CASE WHEN hm % 997 = 0 THEN hm % 4
              WHEN ign THEN 8 + hm % 6
              ELSE 4 + hm % 7 END AS sats
  FROM c
)
SELECT imei,
       (date :'start_date' + make_interval(mins => t)) AT TIME ZONE 'Africa/Nairobi',
       ST_SetSRID(ST_MakePoint(
         clon + (b_km * cos(th) + 0.5 * cos(5 * th)) / (111.320 * cos(radians(clat)))
              + ((hm / 77) % 11 - 5) * 0.000009,
         clat + (a_km * sin(th) + 0.6 * sin(3 * th + d)) / 110.574
              + ((hm / 7) % 11 - 5) * 0.000009), 4326),
       spd,
       ((degrees(atan2(-b_km * sin(th) - 2.5 * sin(5 * th),
                       a_km * cos(th) + 1.8 * cos(3 * th + d)))::int + 360) % 360)::smallint,
       ign,
       sats,
       round(odo0 + cum_km, 3),
       jsonb_build_object(
         'gsm', 8 + hm % 24,
         'ext_v', round(CASE WHEN ign THEN 13.6 + (hm % 7) / 10.0 ELSE 12.3 + (hm % 5) / 10.0 END, 1),
         'fix', CASE WHEN sats >= 4 THEN '3d' ELSE 'none' END)
       || CASE WHEN t % 15 = 0 THEN jsonb_build_object(
            'fuel_pct', round(100 - mod(cum_km, 450) / 5.0, 1),
            'cells', jsonb_build_array(
              jsonb_build_object('mcc', 639, 'mnc', 2, 'lac', 1000 + d, 'cid', 20000 + hm % 500, 'rssi', -60 - hm % 40),
              jsonb_build_object('mcc', 639, 'mnc', 3, 'lac', 2000 + d, 'cid', 30000 + hm % 700, 'rssi', -75 - hm % 30)))
          ELSE '{}'::jsonb END
FROM p
ORDER BY imei, t;

ALTER TABLE tracksolid.positions ADD PRIMARY KEY (imei, gps_time);
ALTER TABLE tracksolid.positions
  ADD FOREIGN KEY (imei) REFERENCES tracksolid.devices (imei);
CREATE INDEX positions_gps_time_idx ON tracksolid.positions (gps_time);
CREATE INDEX positions_geom_gist ON tracksolid.positions USING gist (geom);

UPDATE tracksolid.devices dv
SET last_seen = x.last_seen
FROM (SELECT imei, max(gps_time) AS last_seen FROM tracksolid.positions GROUP BY imei) x
WHERE x.imei = dv.imei;

-- ---------------------------------------------------------------------------
-- tracksolid.alarms (derived deterministically from the positions)
CREATE TABLE tracksolid.alarms (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  imei         text NOT NULL REFERENCES tracksolid.devices (imei),
  alarm_time   timestamptz NOT NULL,
  alarm_type   text NOT NULL
               CHECK (alarm_type IN ('overspeed', 'harsh_brake', 'geofence_exit', 'power_cut', 'sos')),
  severity     text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  geom         geometry(Point, 4326),
  acknowledged boolean NOT NULL DEFAULT false,
  details      jsonb
);
COMMENT ON TABLE tracksolid.alarms IS
  'Alarms raised by trackers or by the platform: overspeed, harsh_brake, geofence_exit, power_cut, sos.';
COMMENT ON COLUMN tracksolid.alarms.id IS 'Surrogate key, increasing with alarm_time.';
COMMENT ON COLUMN tracksolid.alarms.imei IS 'Tracker IMEI (tracksolid.devices.imei).';
COMMENT ON COLUMN tracksolid.alarms.alarm_time IS 'When the alarm was raised (UTC instant).';
COMMENT ON COLUMN tracksolid.alarms.alarm_type IS 'overspeed, harsh_brake, geofence_exit, power_cut or sos.';
COMMENT ON COLUMN tracksolid.alarms.severity IS 'low < medium < high < critical.';
COMMENT ON COLUMN tracksolid.alarms.geom IS 'Where the alarm was raised (SRID 4326).';
COMMENT ON COLUMN tracksolid.alarms.acknowledged IS 'Whether a dispatcher acknowledged the alarm.';
COMMENT ON COLUMN tracksolid.alarms.details IS 'Type-specific payload, e.g. speed and limit for overspeed, the fence boundary (nested arrays) for geofence_exit.';

INSERT INTO tracksolid.alarms (imei, alarm_time, alarm_type, severity, geom, acknowledged, details)
SELECT imei, alarm_time, alarm_type, severity, geom,
       alarm_type <> 'sos' AND h % 3 <> 0,
       details
FROM (
  SELECT x.imei, x.gps_time AS alarm_time, x.geom, x.h,
         a.alarm_type, a.severity, a.details
  FROM (
    SELECT y.*,
           abs(hashint8(4000000000000 + y.ih * 100000000::bigint
                        + (extract(epoch FROM y.gps_time)::bigint / 60) % 100000000)) AS h
    FROM (
      SELECT p.imei, p.gps_time, p.geom, p.speed_kmh, p.ignition, dv.speed_limit_kmh AS lim,
             abs(hashtext(p.imei)) % 10000 AS ih,
             lag(p.speed_kmh) OVER (PARTITION BY p.imei ORDER BY p.gps_time) AS prev_speed
      FROM tracksolid.positions p
      JOIN tracksolid.devices dv USING (imei)
    ) y
  ) x
  CROSS JOIN LATERAL (
    SELECT * FROM (VALUES
      (CASE WHEN x.speed_kmh > x.lim AND coalesce(x.prev_speed, 0) <= x.lim THEN 'overspeed' END,
       CASE WHEN x.speed_kmh > x.lim + 20 THEN 'high' ELSE 'medium' END,
       jsonb_build_object('speed_kmh', x.speed_kmh, 'limit_kmh', x.lim)),
      (CASE WHEN x.prev_speed - x.speed_kmh >= 30 AND x.h % 9 = 0 THEN 'harsh_brake' END,
       'medium',
       jsonb_build_object('from_kmh', x.prev_speed, 'to_kmh', x.speed_kmh,
                          'decel_g', round((x.prev_speed - x.speed_kmh)::numeric / 100, 2))),
      (CASE WHEN x.ignition AND x.speed_kmh > 0 AND x.h % 700 = 0 THEN 'geofence_exit' END,
       'low',
       jsonb_build_object('geofence', (ARRAY['Nairobi CBD', 'Westlands', 'Industrial Area Depot'])[1 + x.h % 3],
                          'boundary', jsonb_build_array(
                            jsonb_build_array(36.812, -1.293), jsonb_build_array(36.829, -1.293),
                            jsonb_build_array(36.829, -1.279), jsonb_build_array(36.812, -1.279),
                            jsonb_build_array(36.812, -1.293)),
                          'tags', jsonb_build_array(jsonb_build_array('zone', 'cbd'), jsonb_build_array()))),
      (CASE WHEN NOT x.ignition AND x.h % 2500 = 0 THEN 'power_cut' END,
       'high',
       jsonb_build_object('ext_v', 0.0, 'backup_battery_pct', 40 + x.h % 60))
    ) AS v(alarm_type, severity, details)
    WHERE v.alarm_type IS NOT NULL
  ) AS a
  -- Cheap pre-filter: only rows that raise at least one alarm reach the jsonb building.
  WHERE (x.speed_kmh > x.lim AND coalesce(x.prev_speed, 0) <= x.lim)
     OR (x.prev_speed - x.speed_kmh >= 30 AND x.h % 9 = 0)
     OR (x.ignition AND x.speed_kmh > 0 AND x.h % 700 = 0)
     OR (NOT x.ignition AND x.h % 2500 = 0)
  UNION ALL
  -- One SOS: the second vehicle, 14:07 local on the first day.
  SELECT p.imei, p.gps_time, p.geom, 0, 'sos', 'critical',
         jsonb_build_object('button', 'panic', 'note', 'Driver pressed SOS — «msaada» (help)')
  FROM tracksolid.positions p
  WHERE p.imei = '8620' || lpad((2 * 104729 + 31415)::text, 11, '0')
    AND p.gps_time = (date :'start_date' + time '14:07') AT TIME ZONE 'Africa/Nairobi'
) z
ORDER BY alarm_time, imei, alarm_type;

CREATE INDEX alarms_imei_time_idx ON tracksolid.alarms (imei, alarm_time);
CREATE INDEX alarms_time_idx ON tracksolid.alarms (alarm_time);

-- ---------------------------------------------------------------------------
-- reporting.trips: ignition-on runs of positions
CREATE TABLE reporting.trips (
  trip_id       bigint PRIMARY KEY,
  imei          text NOT NULL REFERENCES tracksolid.devices (imei),
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz NOT NULL,
  start_geom    geometry(Point, 4326) NOT NULL,
  end_geom      geometry(Point, 4326) NOT NULL,
  distance_km   numeric(10, 3) NOT NULL,
  max_speed_kmh real NOT NULL,
  duration      interval NOT NULL
);
COMMENT ON TABLE reporting.trips IS
  'Trips: maximal runs of consecutive positions with ignition on (idle-only runs under 50 m are dropped). Rebuilt from tracksolid.positions by the nightly job.';
COMMENT ON COLUMN reporting.trips.trip_id IS 'Trip number, increasing with started_at.';
COMMENT ON COLUMN reporting.trips.imei IS 'Tracker IMEI (tracksolid.devices.imei).';
COMMENT ON COLUMN reporting.trips.started_at IS 'First position of the trip (ignition on).';
COMMENT ON COLUMN reporting.trips.ended_at IS 'Last position of the trip before the ignition went off.';
COMMENT ON COLUMN reporting.trips.start_geom IS 'Where the trip started (SRID 4326).';
COMMENT ON COLUMN reporting.trips.end_geom IS 'Where the trip ended (SRID 4326).';
COMMENT ON COLUMN reporting.trips.distance_km IS 'Distance driven, from the odometer.';
COMMENT ON COLUMN reporting.trips.max_speed_kmh IS 'Highest speed during the trip.';
COMMENT ON COLUMN reporting.trips.duration IS 'ended_at - started_at.';

INSERT INTO reporting.trips
SELECT row_number() OVER (ORDER BY min(gps_time), imei),
       imei, min(gps_time), max(gps_time),
       (array_agg(geom ORDER BY gps_time))[1],
       (array_agg(geom ORDER BY gps_time DESC))[1],
       max(odometer_km) - min(odometer_km),
       max(speed_kmh),
       max(gps_time) - min(gps_time)
FROM (
  SELECT p.*,
         row_number() OVER (PARTITION BY imei ORDER BY gps_time)
         - row_number() OVER (PARTITION BY imei, ignition ORDER BY gps_time) AS grp
  FROM tracksolid.positions p
) x
WHERE ignition
GROUP BY imei, grp
HAVING max(odometer_km) - min(odometer_km) > 0.05;
CREATE INDEX trips_imei_started_idx ON reporting.trips (imei, started_at);
CREATE INDEX trips_started_idx ON reporting.trips (started_at);

-- ---------------------------------------------------------------------------
-- Views
CREATE VIEW reporting.v_device_latest_position AS
SELECT d.imei, d.device_name, d.vehicle_plate, d.driver_name, d.status,
       p.gps_time, ST_Y(p.geom) AS lat, ST_X(p.geom) AS lon,
       p.speed_kmh, p.heading, p.ignition, p.odometer_km, p.geom
FROM tracksolid.devices d
LEFT JOIN LATERAL (
  SELECT * FROM tracksolid.positions p
  WHERE p.imei = d.imei
  ORDER BY p.gps_time DESC
  LIMIT 1
) p ON true;
COMMENT ON VIEW reporting.v_device_latest_position IS
  'Latest known position of every device (NULL position columns for devices that never reported).';
COMMENT ON COLUMN reporting.v_device_latest_position.gps_time IS 'Time of the latest fix.';
COMMENT ON COLUMN reporting.v_device_latest_position.speed_kmh IS 'Speed at the latest fix, km/h.';
COMMENT ON COLUMN reporting.v_device_latest_position.ignition IS 'Ignition state at the latest fix.';
COMMENT ON COLUMN reporting.v_device_latest_position.lat IS 'Latitude of the latest fix (WGS84).';
COMMENT ON COLUMN reporting.v_device_latest_position.lon IS 'Longitude of the latest fix (WGS84).';

CREATE VIEW reporting.v_daily_distance AS
SELECT (t.started_at AT TIME ZONE 'Africa/Nairobi')::date AS day,
       t.imei, d.vehicle_plate,
       count(*) AS trips,
       sum(t.distance_km) AS distance_km,
       sum(t.duration) AS driving_time
FROM reporting.trips t
JOIN tracksolid.devices d USING (imei)
GROUP BY 1, 2, 3;
COMMENT ON VIEW reporting.v_daily_distance IS
  'Distance driven per vehicle per local (Africa/Nairobi) day, from reporting.trips (a trip counts on the day it started).';
COMMENT ON COLUMN reporting.v_daily_distance.day IS 'Local calendar day (Africa/Nairobi).';
COMMENT ON COLUMN reporting.v_daily_distance.trips IS 'Number of trips started that day.';
COMMENT ON COLUMN reporting.v_daily_distance.distance_km IS 'Sum of trip distances that day, km.';
COMMENT ON COLUMN reporting.v_daily_distance.driving_time IS 'Sum of trip durations that day.';

CREATE VIEW reporting.v_alarm_summary AS
SELECT a.imei, d.vehicle_plate, a.alarm_type,
       count(*) AS alarms,
       count(*) FILTER (WHERE NOT a.acknowledged) AS unacknowledged,
       min(a.alarm_time) AS first_alarm_at,
       max(a.alarm_time) AS last_alarm_at,
       (ARRAY['low', 'medium', 'high', 'critical'])[max(array_position(ARRAY['low', 'medium', 'high', 'critical'], a.severity))] AS worst_severity
FROM tracksolid.alarms a
JOIN tracksolid.devices d USING (imei)
GROUP BY a.imei, d.vehicle_plate, a.alarm_type;
COMMENT ON VIEW reporting.v_alarm_summary IS
  'Alarm counts per vehicle and alarm type over the whole history, with the unacknowledged count and the worst severity.';
COMMENT ON COLUMN reporting.v_alarm_summary.unacknowledged IS 'Alarms nobody acknowledged yet.';
COMMENT ON COLUMN reporting.v_alarm_summary.alarms IS 'Number of alarms of this type for this vehicle.';
COMMENT ON COLUMN reporting.v_alarm_summary.first_alarm_at IS 'Earliest alarm of this type.';
COMMENT ON COLUMN reporting.v_alarm_summary.last_alarm_at IS 'Latest alarm of this type.';
COMMENT ON COLUMN reporting.v_alarm_summary.worst_severity IS 'Highest severity seen (low < medium < high < critical).';

CREATE MATERIALIZED VIEW reporting.mv_daily_device_summary AS
WITH t AS (
  SELECT imei, (started_at AT TIME ZONE 'Africa/Nairobi')::date AS day,
         count(*) AS trips, sum(distance_km) AS distance_km,
         sum(duration) AS driving_time, max(max_speed_kmh) AS max_speed_kmh
  FROM reporting.trips GROUP BY 1, 2
), a AS (
  SELECT imei, (alarm_time AT TIME ZONE 'Africa/Nairobi')::date AS day, count(*) AS alarm_count
  FROM tracksolid.alarms GROUP BY 1, 2
)
SELECT day, imei,
       coalesce(t.trips, 0) AS trips,
       coalesce(t.distance_km, 0)::numeric(10, 3) AS distance_km,
       coalesce(t.driving_time, interval '0') AS driving_time,
       t.max_speed_kmh,
       coalesce(a.alarm_count, 0) AS alarm_count
FROM t FULL JOIN a USING (imei, day)
WITH NO DATA;
CREATE UNIQUE INDEX mv_daily_device_summary_day_imei ON reporting.mv_daily_device_summary (day, imei);
COMMENT ON MATERIALIZED VIEW reporting.mv_daily_device_summary IS
  'Per vehicle per local day: trips, distance, driving time, max speed and alarm count. Refreshed after each load (REFRESH MATERIALIZED VIEW CONCURRENTLY is supported).';
COMMENT ON COLUMN reporting.mv_daily_device_summary.day IS 'Local calendar day (Africa/Nairobi).';
COMMENT ON COLUMN reporting.mv_daily_device_summary.trips IS 'Number of trips started that day.';
COMMENT ON COLUMN reporting.mv_daily_device_summary.distance_km IS 'Distance driven, km (trips that started that day).';
COMMENT ON COLUMN reporting.mv_daily_device_summary.driving_time IS 'Total trip duration (ignition on).';
COMMENT ON COLUMN reporting.mv_daily_device_summary.max_speed_kmh IS 'Highest speed that day (NULL without trips).';
COMMENT ON COLUMN reporting.mv_daily_device_summary.alarm_count IS 'Alarms of any type raised that day.';

-- ---------------------------------------------------------------------------
-- Functions
CREATE FUNCTION reporting.fn_device_track(p_imei text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (gps_time timestamptz, lat double precision, lon double precision,
               speed_kmh real, heading smallint, ignition boolean, odometer_km numeric, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT p.gps_time, public.ST_Y(p.geom), public.ST_X(p.geom),
         p.speed_kmh, p.heading, p.ignition, p.odometer_km, p.geom
  FROM tracksolid.positions p
  WHERE p.imei = p_imei AND p.gps_time >= p_from AND p.gps_time < p_to
  ORDER BY p.gps_time
$$;
COMMENT ON FUNCTION reporting.fn_device_track(text, timestamptz, timestamptz) IS
  'Track of one device in [p_from, p_to): one row per minute with lat/lon, speed, heading, ignition, odometer.';

CREATE FUNCTION reporting.fn_fleet_utilization(p_day date)
RETURNS TABLE (imei text, vehicle_plate text, driving_minutes integer, idle_minutes integer,
               parked_minutes integer, reported_minutes integer, utilization_pct numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT d.imei, d.vehicle_plate,
         (count(*) FILTER (WHERE p.ignition AND p.speed_kmh > 0))::integer,
         (count(*) FILTER (WHERE p.ignition AND p.speed_kmh = 0))::integer,
         (count(*) FILTER (WHERE NOT p.ignition))::integer,
         count(p.gps_time)::integer,
         round(100.0 * count(*) FILTER (WHERE p.ignition) / 1440, 1)
  FROM tracksolid.devices d
  LEFT JOIN tracksolid.positions p
         ON p.imei = d.imei
        AND p.gps_time >= (p_day::timestamp AT TIME ZONE 'Africa/Nairobi')
        AND p.gps_time < ((p_day + 1)::timestamp AT TIME ZONE 'Africa/Nairobi')
  WHERE d.status <> 'decommissioned'
  GROUP BY d.imei, d.vehicle_plate
  ORDER BY 7 DESC, 1
$$;
COMMENT ON FUNCTION reporting.fn_fleet_utilization(date) IS
  'Per vehicle for one local (Africa/Nairobi) day: minutes driving (ignition on, moving), idling (ignition on, speed 0), parked (ignition off), and utilization_pct = ignition-on share of the 1440 minutes.';

CREATE FUNCTION reporting.fn_overspeed_events(p_threshold_kmh real, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (imei text, vehicle_plate text, started_at timestamptz, ended_at timestamptz,
               minutes integer, max_speed_kmh real, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  WITH f AS (
    SELECT p.imei, p.gps_time, p.speed_kmh, p.geom,
           p.gps_time - row_number() OVER (PARTITION BY p.imei ORDER BY p.gps_time) * interval '1 minute' AS grp
    FROM tracksolid.positions p
    WHERE p.gps_time >= p_from AND p.gps_time < p_to AND p.speed_kmh > p_threshold_kmh
  )
  SELECT f.imei, d.vehicle_plate, min(f.gps_time), max(f.gps_time), count(*)::integer,
         max(f.speed_kmh), (array_agg(f.geom ORDER BY f.speed_kmh DESC, f.gps_time))[1]
  FROM f
  JOIN tracksolid.devices d ON d.imei = f.imei
  GROUP BY f.imei, d.vehicle_plate, f.grp
  ORDER BY 3, 1
$$;
COMMENT ON FUNCTION reporting.fn_overspeed_events(real, timestamptz, timestamptz) IS
  'Overspeed episodes in [p_from, p_to): consecutive minutes above p_threshold_kmh merged into one event, with its peak speed and where the peak happened.';

CREATE FUNCTION reporting.fn_distance_km(p_imei text, p_day date)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT coalesce(max(p.odometer_km) - min(p.odometer_km), 0)::numeric(10, 3)
  FROM tracksolid.positions p
  WHERE p.imei = p_imei
    AND p.gps_time >= (p_day::timestamp AT TIME ZONE 'Africa/Nairobi')
    AND p.gps_time < ((p_day + 1)::timestamp AT TIME ZONE 'Africa/Nairobi')
$$;
COMMENT ON FUNCTION reporting.fn_distance_km(text, date) IS
  'Kilometres driven by one device on one local (Africa/Nairobi) day, from the odometer; 0 when it did not report.';

-- ---------------------------------------------------------------------------
-- internal: must stay invisible to analytics_ro
CREATE TABLE internal.api_keys (
  key_id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  label      text NOT NULL,
  key_hash   text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE internal.api_keys IS
  'Tracksolid OpenAPI credentials of the ingestion service (hashes; demo values). Secret: no analytics access.';
INSERT INTO internal.api_keys (label, key_hash, created_at, revoked)
SELECT 'ingest-' || i, 'demo-only-not-a-secret-' || md5('key' || i),
       timestamptz '2024-01-01 00:00+00' + i * interval '30 days', i = 1
FROM generate_series(1, 3) AS i;

CREATE TABLE internal.dataset_info (
  key   text PRIMARY KEY,
  value text NOT NULL
);
COMMENT ON TABLE internal.dataset_info IS 'What scripts/demo_data.sql loaded (scale, sizes, row counts).';

REFRESH MATERIALIZED VIEW reporting.mv_daily_device_summary;
ANALYZE tracksolid.devices, tracksolid.geofences, tracksolid.positions, tracksolid.alarms, reporting.trips,
        reporting.mv_daily_device_summary;

INSERT INTO internal.dataset_info (key, value)
VALUES ('scale', :'scale'), ('n_devices', :'n_devices'), ('n_days', :'n_days'), ('start_date', :'start_date'),
       ('end_date', :'end_date'),
       ('loaded_at', now()::text);
INSERT INTO internal.dataset_info (key, value)
SELECT 'tracksolid.devices', count(*)::text FROM tracksolid.devices
UNION ALL SELECT 'tracksolid.positions', count(*)::text FROM tracksolid.positions
UNION ALL SELECT 'tracksolid.alarms', count(*)::text FROM tracksolid.alarms
UNION ALL SELECT 'tracksolid.geofences', count(*)::text FROM tracksolid.geofences
UNION ALL SELECT 'reporting.trips', count(*)::text FROM reporting.trips
UNION ALL SELECT 'reporting.mv_daily_device_summary', count(*)::text FROM reporting.mv_daily_device_summary;
