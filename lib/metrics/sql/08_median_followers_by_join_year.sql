-- median_followers_by_join_year: the median follower count of posts by users who joined
-- in each year 2015-2020. Exact median; pins without a follower count do not count.
-- Output: post_year, median_follower_count.
WITH posts AS (
  SELECT EXTRACT(YEAR FROM u.date_joined) AS post_year, p.follower_count
  FROM pin p
  JOIN `user` u ON p.ind = u.ind
  WHERE u.date_joined IS NOT NULL AND p.follower_count IS NOT NULL
)
SELECT post_year, MEDIAN(follower_count) AS median_follower_count
FROM posts
WHERE post_year BETWEEN 2015 AND 2020
GROUP BY post_year
ORDER BY post_year
