-- Yearly values of one BoP item, flow and currency for chosen partners (Netherlands).
-- $item, $flow, $currency VARCHAR; $partners VARCHAR[].
SELECT year, partner, bop_item, bop_item_label, stk_flow, currency, value, flag, vintage
FROM remittances_nl_by_partner
WHERE bop_item = $item AND stk_flow = $flow AND currency = $currency
  AND list_contains($partners, partner)
ORDER BY partner, year;
