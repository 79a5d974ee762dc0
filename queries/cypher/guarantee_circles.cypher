// name: guarantee_circles
// purpose.zh-CN: 互保圈：当事人甲为乙的贷款担保，乙为丙担保……最后一方为甲担保，形成闭环；最多 max_length 方（上限 8）。每个圈只列一次，从编号最小的当事人开始。
// purpose.en: Guarantee circles: A guarantees a loan of B, B one of C, ..., and the last one a loan of A; up to max_length parties (at most 8). Each circle is listed once, starting at its smallest party id.
// param max_length (int, default 6): 圈中最多几方 | most parties in a circle
// param limit (int, default 200): 最多返回的行数 | maximum rows returned
// column length (int): 圈中的当事人数 | parties in the circle
// column parties (list): 按担保顺序排列的当事人 | parties in guarantee order
// column loans (list): 各方担保的贷款，第 i 个由第 i 方担保 | loans guaranteed, the i-th by the i-th party
MATCH path = (p:%PARTY%)-[:%GUARANTOR_OF%]->(:%LOAN%)<-[:%APPLIED_FOR%|%BORROWER_OF%]-(:%PARTY%)
             (()-[:%GUARANTOR_OF%]->(:%LOAN%)<-[:%APPLIED_FOR%|%BORROWER_OF%]-(:%PARTY%)){0,7}
WHERE last(nodes(path)) = p
WITH path, [n IN nodes(path) WHERE n:%PARTY% | n.party_id] AS ids
WITH path, ids[..-1] AS parties
WHERE size(parties) >= 2 AND size(parties) <= $max_length
  AND all(x IN parties WHERE x >= parties[0])
  AND size(parties) = size(reduce(seen = [], x IN parties |
        CASE WHEN x IN seen THEN seen ELSE seen + x END))
RETURN size(parties) AS length, parties,
       [n IN nodes(path) WHERE n:%LOAN% | n.loan_id] AS loans
ORDER BY length, parties
LIMIT $limit
