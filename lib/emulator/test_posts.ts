/**
 * Test data for the emulator's tests: three posts in the course's shape, with dirty
 * values as the source tables hold them. Only `*_test.ts` files import it.
 *
 * @module
 */

import type { Post } from "../source/types.ts";

/**
 * Three posts in the course's shape (values from its sample rows, dirty ones included).
 *
 * @example
 * ```ts
 * import { samplePosts } from "./test_posts.ts";
 * console.log(samplePosts()[0].geo.country); // Albania
 * ```
 */
export function samplePosts(): Post[] {
  const utc = (
    y: number,
    mo: number,
    d: number,
    h: number,
    mi: number,
    s: number,
  ) => new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const pin = (
    index: number,
    category: string,
    extra: Partial<Post["pin"]> = {},
  ) => ({
    index,
    unique_id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    title: "No Title Data Available",
    description: "No description available Story format",
    poster_name: "User Info Error",
    follower_count: "User Info Error",
    tag_list: "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
    is_image_or_video: "multi-video(story page format)",
    image_src: "Image src error.",
    downloaded: 0,
    save_location: `Local save in /data/${category}`,
    category,
    ...extra,
  });
  return [
    {
      pin: pin(7528, "mens-fashion"),
      geo: {
        ind: 7528,
        timestamp: utc(2020, 8, 28, 3, 52, 47),
        latitude: -89.9787,
        longitude: -173.293,
        country: "Albania",
      },
      user: {
        ind: 7528,
        first_name: "Abigail",
        last_name: "Ali",
        age: 20,
        date_joined: utc(2015, 10, 24, 11, 23, 51),
      },
    },
    {
      pin: pin(2863, "beauty", {
        title: "Ombre nails",
        follower_count: "12k",
        downloaded: 1,
      }),
      geo: {
        ind: 2863,
        timestamp: utc(2020, 4, 27, 13, 34, 16),
        latitude: -5.34445,
        longitude: -177.924,
        country: "Armenia",
      },
      user: {
        ind: 2863,
        first_name: "Dylan",
        last_name: "Holmes",
        age: 32,
        date_joined: utc(2016, 10, 23, 14, 6, 51),
      },
    },
    {
      pin: pin(5730, "vehicles", {
        follower_count: "1M",
        poster_name: "Ride Daily",
      }),
      geo: {
        ind: 5730,
        timestamp: utc(2021, 4, 19, 17, 37, 3),
        latitude: -77.015,
        longitude: -101.437,
        country: "Colombia",
      },
      user: {
        ind: 5730,
        first_name: "Rachel",
        last_name: "Davis",
        age: 36,
        date_joined: utc(2015, 12, 8, 20, 2, 43),
      },
    },
  ];
}
