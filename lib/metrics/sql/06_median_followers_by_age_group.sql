-- median_followers_by_age_group: the median follower count of the posts in each age
-- group (18-24, 25-35, 36-50, +50). Exact median: the mean of the two middle values for
-- an even count. Pins without a follower count do not count.
-- Output: age_group, median_follower_count.
WITH posts AS (
  SELECT
    p.follower_count,
    CASE
      WHEN u.age BETWEEN 18 AND 24 THEN '18-24'
      WHEN u.age BETWEEN 25 AND 35 THEN '25-35'
      WHEN u.age BETWEEN 36 AND 50 THEN '36-50'
      WHEN u.age > 50 THEN '+50'
    END AS age_group
  FROM pin p
  JOIN `user` u ON p.ind = u.ind
  WHERE p.follower_count IS NOT NULL
)
SELECT age_group, MEDIAN(follower_count) AS median_follower_count
FROM posts
WHERE age_group IS NOT NULL
GROUP BY age_group
ORDER BY CASE age_group
  WHEN '18-24' THEN 1
  WHEN '25-35' THEN 2
  WHEN '36-50' THEN 3
  ELSE 4
END
