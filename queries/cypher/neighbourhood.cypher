// name: neighbourhood
// purpose.zh-CN: 当事人的 k 步通话邻域：从其号码出发，经有效授权下的通话走 1 到 hops 步（上限 3）可达的号码，不经过服务号码和通话对象超过 max_degree 个的枢纽号码。
// purpose.en: A party's k-hop call neighbourhood: phones reachable from its phones in 1 to hops steps (at most 3) over calls under valid consents, never through service numbers or hub phones with more than max_degree call partners.
// param party_id (string): 当事人 | the party
// param hops (int, default 2): 步数（1 到 3） | steps (1 to 3)
// param max_degree (int, default 100): 中间号码最多有这么多通话对象 | phones passed through have at most this many call partners
// param limit (int, default 500): 最多返回的行数 | maximum rows returned
// column phone (string): 号码（掩码） | the number, masked
// column phone_id (string): 号码假名 | pseudonym of the number
// column kind (string): 号码类型 | number kind
// column distance (int): 最少步数 | fewest steps
// column holders (list): 持有该号码的当事人 | parties holding the number
// injected valid_consents (list): 当前有效、允许使用通话记录的授权 | consents that allow using call records now
MATCH (p:%PARTY% {party_id: $party_id})-[:%HAS_PHONE%]->(start:%PHONE%)
MATCH path = (start)-[:%CALLED%*1..3]-(x:%PHONE%)
WHERE length(path) <= $hops
  AND NOT EXISTS { (p)-[:%HAS_PHONE%]->(x) }
  AND all(r IN relationships(path) WHERE r.consent_id IN $valid_consents)
  AND all(n IN nodes(path)[1..-1] WHERE n.kind <> 'service'
          AND COUNT { (n)-[:%CALLED%]-() } <= $max_degree)
WITH x, min(length(path)) AS distance
OPTIONAL MATCH (holder:%PARTY%)-[:%HAS_PHONE%]->(x)
RETURN x.display AS phone, x.phone_id AS phone_id, x.kind AS kind, distance,
       collect(holder.party_id) AS holders
ORDER BY distance, phone_id
LIMIT $limit
