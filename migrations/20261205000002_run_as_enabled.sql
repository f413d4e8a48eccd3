-- xpack.security.authc.run_as.enabled is a deployment setting now. An import made before kept
-- it as an unmodelled node setting: move a kept `false` into the deployment body (a new
-- version, as any change of the body), and drop kept boolean copies, so that export writes the
-- key once and the playground reads it from one place.
UPDATE deployments
SET body_json = json_set(body_json, '$.run_as_enabled', json('false')),
    version = version + 1,
    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE id IN (
    SELECT deployment FROM unmodelled_settings
    WHERE key = 'xpack.security.authc.run_as.enabled' AND secure = 0
      AND value_json IN ('false', '"false"')
);

DELETE FROM unmodelled_settings
WHERE key = 'xpack.security.authc.run_as.enabled' AND secure = 0
  AND value_json IN ('true', 'false', '"true"', '"false"');
