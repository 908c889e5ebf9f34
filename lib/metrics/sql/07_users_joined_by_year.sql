-- users_joined_by_year: how many users joined in each year 2015-2020, counted over the
-- user records as the course does.
-- Output: post_year, number_users_joined.
WITH joined AS (
  SELECT EXTRACT(YEAR FROM u.date_joined) AS post_year
  FROM `user` u
  WHERE u.date_joined IS NOT NULL
)
SELECT post_year, CAST(COUNT(*) AS BIGINT) AS number_users_joined
FROM joined
WHERE post_year BETWEEN 2015 AND 2020
GROUP BY post_year
ORDER BY post_year
