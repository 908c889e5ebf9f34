-- median_followers_by_join_year_and_age_group: the median follower count for each age
-- group (18-24, 25-35, 36-50, +50) and join year 2015-2020. Exact median; pins without a
-- follower count do not count.
-- Output: age_group, post_year, median_follower_count.
WITH posts AS (
  SELECT
    CASE
      WHEN u.age BETWEEN 18 AND 24 THEN '18-24'
      WHEN u.age BETWEEN 25 AND 35 THEN '25-35'
      WHEN u.age BETWEEN 36 AND 50 THEN '36-50'
      WHEN u.age > 50 THEN '+50'
    END AS age_group,
    EXTRACT(YEAR FROM u.date_joined) AS post_year,
    p.follower_count
  FROM pin p
  JOIN `user` u ON p.ind = u.ind
  WHERE u.date_joined IS NOT NULL AND p.follower_count IS NOT NULL
)
SELECT age_group, post_year, MEDIAN(follower_count) AS median_follower_count
FROM posts
WHERE age_group IS NOT NULL AND post_year BETWEEN 2015 AND 2020
GROUP BY age_group, post_year
ORDER BY CASE age_group
  WHEN '18-24' THEN 1
  WHEN '25-35' THEN 2
  WHEN '36-50' THEN 3
  ELSE 4
END, post_year
