-- top_user_by_country: in each country, the poster with the most followers, over pins
-- where both poster_name and follower_count are known.
-- Output: country, poster_name, follower_count. Ties: poster_name ascending.
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
    poster_name,
    follower_count,
    ROW_NUMBER() OVER (
      PARTITION BY country ORDER BY -follower_count, poster_name
    ) AS rn
  FROM candidates
)
SELECT country, poster_name, follower_count
FROM ranked
WHERE rn = 1
ORDER BY country
