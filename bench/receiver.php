<?php
// bench case (f): what a shared-hosting user writes instead of dlr-webhook.
// PHP-FPM, one request per script run: bearer check, json_decode, one PDO
// SQLite transaction (WAL, synchronous=FULL, like dlr-webhook) that inserts
// the event into the same dlr_events table (a duplicate is ignored) and
// upserts dlr_messages. The secret and the database come from nginx
// (fastcgi_param BENCH_SECRET, BENCH_DB).
header('Content-Type: application/json');

function answer(int $code, array $body): void {
    http_response_code($code);
    echo json_encode($body);
    exit;
}

$auth = $_SERVER['HTTP_AUTHORIZATION'] ?? '';
if (!hash_equals('Bearer ' . ($_SERVER['BENCH_SECRET'] ?? ''), $auth)) {
    header('WWW-Authenticate: Bearer');
    answer(401, ['ok' => false, 'error' => 'unauthorized']);
}
$raw = file_get_contents('php://input');
$dlr = json_decode($raw, true);
if (!is_array($dlr) || !isset($dlr['id'], $dlr['status'])) {
    answer(422, ['ok' => false, 'error' => 'invalid_dlr']);
}
$cols = ['id', 'mobile', 'status', 'credits', 'units', 'deliv_time', 'sent_time', 'submit_time',
         'deliv_at', 'sent_at', 'submit_at', 'cid', 'custom', 'custom1', 'custom2', 'location',
         'region', 'provider', 'location_code', 'region_code', 'provider_code'];
$values = [];
foreach ($cols as $c) {
    $values[] = isset($dlr[$c]) ? (string)$dlr[$c] : null;
}
$now = gmdate('Y-m-d\TH:i:s.v\Z');
try {
    $db = new PDO('sqlite:' . $_SERVER['BENCH_DB'], null, null,
                  [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 5]);
    $db->exec('PRAGMA journal_mode=WAL');
    $db->exec('PRAGMA synchronous=FULL');
    $db->exec('BEGIN IMMEDIATE');
    $ins = $db->prepare('INSERT OR IGNORE INTO dlr_events (' . implode(',', $cols) .
                        ', webhook, raw, received_at) VALUES (' .
                        str_repeat('?,', count($cols)) . '?, ?, ?)');
    $ins->execute(array_merge($values, ['sms', $raw, $now]));
    $stored = $ins->rowCount();
    if ($stored) {
        $final = $dlr['status'] === 'AWAITING-DLR' ? 0 : 1;
        $db->prepare('INSERT INTO dlr_messages (id, webhook, status, final, delivered, deliv_time,'
                     . ' sent_time, submit_time, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
                     . ' ON CONFLICT (id) DO UPDATE SET status = excluded.status,'
                     . ' final = excluded.final, delivered = excluded.delivered,'
                     . ' deliv_time = excluded.deliv_time, updated_at = excluded.updated_at'
                     . ' WHERE dlr_messages.final = 0 OR (excluded.final = 1 AND'
                     . " COALESCE(excluded.deliv_time, '') > COALESCE(dlr_messages.deliv_time, ''))")
           ->execute([$dlr['id'], 'sms', $dlr['status'], $final,
                      $dlr['status'] === 'DELIVRD' ? 1 : 0, $dlr['deliv_time'] ?? null,
                      $dlr['sent_time'] ?? null, $dlr['submit_time'] ?? null, $now]);
    }
    $db->exec('COMMIT');
} catch (PDOException $e) {
    header('Retry-After: 5');
    answer(503, ['ok' => false, 'error' => 'unavailable']);
}
answer(200, ['ok' => true, 'stored' => $stored, 'duplicates' => 1 - $stored]);
