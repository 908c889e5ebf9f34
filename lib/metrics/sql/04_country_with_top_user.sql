-- country_with_top_user: the country whose top user (see top_user_by_country) has the
-- most followers. One row.
-- Output: country, follower_count. Ties: country ascending.
WITH candidates AS (
  SELECT g.country, p.poster_name, p.follower_count
  FROM pin p
  JOIN geo g ON p.ind = g.ind
  WHERE g.country IS NOT NULL
    AND p.poster_name IS NOT NULL
    AND p.follower_count IS NOT NULL
),
ranked AS (
  SELECT
    country,
    follower_count,
    ROW_NUMBER() OVER (
      PARTITION BY country ORDER BY -follower_count, poster_name
    ) AS rn
  FROM candidates
),
top_users AS (
  SELECT country, follower_count FROM ranked WHERE rn = 1
)
SELECT country, follower_count
FROM top_users
ORDER BY follower_count DESC, country ASC
LIMIT 1
