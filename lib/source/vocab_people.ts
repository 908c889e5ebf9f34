/**
 * Word lists for `user_data` and `geolocation_data`: first and last names, and weighted
 * countries with an approximate centre (latitude, longitude) for plausible coordinates.
 *
 * Country names include a few of the course data's Faker-style oddities
 * (`Bouvet Island (Bouvetoya)`, `Libyan Arab Jamahiriya`, ...) at small weights.
 *
 * @module
 */

// deno-fmt-ignore
/**
 * First names.
 *
 * @example
 * ```ts
 * import { FIRST_NAMES } from "./vocab_people.ts";
 * console.log(FIRST_NAMES.length > 100); // true
 * ```
 */
export const FIRST_NAMES: readonly string[] = [
  "Abigail", "Alexander", "Alexandra", "Alicia", "Amanda", "Amber", "Amy", "Andrea", "Andrew",
  "Angela", "Anna", "Anthony", "Ashley", "Austin", "Benjamin", "Brandon", "Brenda", "Brian",
  "Brittany", "Bryan", "Caleb", "Carlos", "Caroline", "Catherine", "Charles", "Chelsea", "Chloe",
  "Christina", "Christopher", "Claire", "Connor", "Courtney", "Crystal", "Daniel", "David", "Deborah",
  "Denise", "Diana", "Dylan", "Elizabeth", "Emily", "Emma", "Eric", "Erin", "Ethan", "Evan", "Faith",
  "Gabriel", "Gina", "Grace", "Hannah", "Heather", "Holly", "Ian", "Isabella", "Jacob", "Jasmine",
  "Jason", "Jennifer", "Jessica", "Joanna", "John", "Jonathan", "Jordan", "Joseph", "Joshua",
  "Julia", "Justin", "Karen", "Katherine", "Kayla", "Kelly", "Kevin", "Kimberly", "Kristen",
  "Laura", "Lauren", "Leah", "Linda", "Lisa", "Logan", "Lucas", "Madison", "Maria", "Mark",
  "Matthew", "Megan", "Melissa", "Michael", "Michelle", "Monica", "Natalie", "Nathan", "Nicole",
  "Noah", "Olivia", "Patricia", "Paul", "Rachel", "Rebecca", "Richard", "Robert", "Ryan",
  "Samantha", "Samuel", "Sara", "Sarah", "Sean", "Sophia", "Stephanie", "Steven", "Tara",
  "Taylor", "Thomas", "Tiffany", "Tyler", "Valerie", "Vanessa", "Victoria", "William", "Zachary",
];

// deno-fmt-ignore
/**
 * Last names.
 *
 * @example
 * ```ts
 * import { LAST_NAMES } from "./vocab_people.ts";
 * console.log(LAST_NAMES.length, LAST_NAMES[0]); // 106 Adams
 * ```
 */
export const LAST_NAMES: readonly string[] = [
  "Adams", "Ali", "Allen", "Alvarez", "Anderson", "Bailey", "Baker", "Barnes", "Bell", "Bennett",
  "Brooks", "Brown", "Butler", "Campbell", "Carter", "Castillo", "Chen", "Clark", "Collins",
  "Cook", "Cooper", "Cox", "Cruz", "Davis", "Diaz", "Edwards", "Evans", "Fisher", "Flores",
  "Foster", "Garcia", "Gomez", "Gonzalez", "Gray", "Green", "Griffin", "Hall", "Harris",
  "Hernandez", "Hill", "Howard", "Hughes", "Jackson", "James", "Jenkins", "Johnson", "Jones",
  "Kelly", "Kim", "King", "Lee", "Lewis", "Long", "Lopez", "Martin", "Martinez", "Miller",
  "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Myers", "Nelson", "Nguyen", "Ortiz",
  "Parker", "Patel", "Perez", "Perry", "Peterson", "Phillips", "Powell", "Price", "Ramirez",
  "Reed", "Reyes", "Richardson", "Rivera", "Roberts", "Robinson", "Rodriguez", "Rogers", "Ross",
  "Russell", "Sanchez", "Sanders", "Scott", "Shah", "Smith", "Stewart", "Sullivan", "Taylor",
  "Thomas", "Thompson", "Torres", "Turner", "Walker", "Ward", "Watson", "White", "Williams",
  "Wilson", "Wood", "Wright", "Young",
];

/**
 * A country: name, relative weight, approximate centre latitude and longitude.
 *
 * @example
 * ```ts
 * import { COUNTRIES, type CountryEntry } from "./vocab_people.ts";
 * const [name, weight, latitude, longitude]: CountryEntry = COUNTRIES[1];
 * console.log(name, weight, latitude, longitude); // United Kingdom 60 54 -2
 * ```
 */
export type CountryEntry = readonly [string, number, number, number];

// deno-fmt-ignore
/**
 * Weighted countries with an approximate centre.
 *
 * @example
 * ```ts
 * import { COUNTRIES } from "./vocab_people.ts";
 * console.log(COUNTRIES.length, COUNTRIES[0][0]); // 116 United States of America
 * ```
 */
export const COUNTRIES: readonly CountryEntry[] = [
  ["United States of America", 300, 39.8, -98.6], ["United Kingdom", 60, 54.0, -2.0],
  ["Canada", 45, 56.1, -106.3], ["Brazil", 40, -14.2, -51.9], ["Mexico", 30, 23.6, -102.5],
  ["Germany", 30, 51.2, 10.4], ["France", 30, 46.2, 2.2], ["India", 28, 20.6, 78.9],
  ["Australia", 25, -25.3, 133.8], ["Japan", 18, 36.2, 138.3], ["Italy", 18, 41.9, 12.6],
  ["Spain", 18, 40.5, -3.7], ["Netherlands", 10, 52.1, 5.3], ["Argentina", 10, -38.4, -63.6],
  ["Philippines", 10, 12.9, 121.8], ["Poland", 9, 51.9, 19.1], ["Turkey", 9, 38.9, 35.2],
  ["Indonesia", 9, -0.8, 113.9], ["Colombia", 8, 4.6, -74.3], ["Chile", 6, -35.7, -71.5],
  ["South Africa", 7, -30.6, 22.9], ["Sweden", 6, 60.1, 18.6], ["Belgium", 5, 50.5, 4.5],
  ["Switzerland", 5, 46.8, 8.2], ["Austria", 5, 47.5, 14.6], ["Ireland", 5, 53.4, -8.2],
  ["Portugal", 5, 39.4, -8.2], ["Norway", 4, 60.5, 8.5], ["Denmark", 4, 56.3, 9.5],
  ["Finland", 3, 61.9, 25.7], ["New Zealand", 4, -40.9, 174.9], ["Russian Federation", 6, 61.5, 105.3],
  ["Ukraine", 4, 48.4, 31.2], ["Romania", 4, 45.9, 25.0], ["Greece", 4, 39.1, 21.8],
  ["Czech Republic", 3, 49.8, 15.5], ["Hungary", 3, 47.2, 19.5], ["Peru", 4, -9.2, -75.0],
  ["Venezuela", 3, 6.4, -66.6], ["Ecuador", 2, -1.8, -78.2], ["Malaysia", 4, 4.2, 101.9],
  ["Thailand", 4, 15.9, 100.9], ["Vietnam", 4, 14.1, 108.3], ["Singapore", 2, 1.4, 103.8],
  ["Korea", 5, 35.9, 127.8], ["China", 4, 35.9, 104.2], ["Pakistan", 3, 30.4, 69.3],
  ["Bangladesh", 2, 23.7, 90.4], ["Egypt", 3, 26.8, 30.8], ["Nigeria", 3, 9.1, 8.7],
  ["Kenya", 2, -0.02, 37.9], ["Morocco", 2, 31.8, -7.1], ["Israel", 2, 31.0, 34.9],
  ["Saudi Arabia", 3, 23.9, 45.1], ["United Arab Emirates", 2, 23.4, 53.8], ["Croatia", 2, 45.1, 15.2],
  ["Serbia", 2, 44.0, 21.0], ["Bulgaria", 2, 42.7, 25.5], ["Slovakia", 1, 48.7, 19.7],
  ["Slovenia", 1, 46.2, 15.0], ["Lithuania", 1, 55.2, 23.9], ["Latvia", 1, 56.9, 24.6],
  ["Estonia", 1, 58.6, 25.0], ["Iceland", 1, 64.9, -19.0], ["Luxembourg", 1, 49.8, 6.1],
  ["Malta", 1, 35.9, 14.4], ["Cyprus", 1, 35.1, 33.4], ["Albania", 2, 41.2, 20.2],
  ["Bosnia and Herzegovina", 1, 43.9, 17.7], ["Macedonia", 1, 41.6, 21.7], ["Moldova", 1, 47.4, 28.4],
  ["Belarus", 1, 53.7, 28.0], ["Georgia", 1, 42.3, 43.4], ["Armenia", 1, 40.1, 45.0],
  ["Azerbaijan", 1, 40.1, 47.6], ["Kazakhstan", 1, 48.0, 66.9], ["Uzbekistan", 1, 41.4, 64.6],
  ["Sri Lanka", 1, 7.9, 80.8], ["Nepal", 1, 28.4, 84.1], ["Cambodia", 1, 12.6, 105.0],
  ["Mongolia", 1, 46.9, 103.8], ["Jordan", 1, 30.6, 36.2], ["Lebanon", 1, 33.9, 35.9],
  ["Qatar", 1, 25.4, 51.2], ["Kuwait", 1, 29.3, 47.5], ["Tunisia", 1, 33.9, 9.5],
  ["Algeria", 1, 28.0, 1.7], ["Ghana", 1, 7.9, -1.0], ["Ethiopia", 1, 9.1, 40.5],
  ["Tanzania", 1, -6.4, 34.9], ["Uganda", 1, 1.4, 32.3], ["Zimbabwe", 1, -19.0, 29.2],
  ["Cote d'Ivoire", 1, 7.5, -5.5], ["Madagascar", 1, -18.8, 46.9], ["Guatemala", 1, 15.8, -90.2],
  ["Costa Rica", 1, 9.7, -83.8], ["Panama", 1, 8.5, -80.8], ["Cuba", 1, 21.5, -77.8],
  ["Dominican Republic", 1, 18.7, -70.2], ["Jamaica", 1, 18.1, -77.3], ["Uruguay", 1, -32.5, -55.8],
  ["Paraguay", 1, -23.4, -58.4], ["Bolivia", 1, -16.3, -63.6], ["Maldives", 1, 3.2, 73.2],
  ["Fiji", 1, -17.7, 178.1], ["Reunion", 1, -21.1, 55.5], ["Saint Barthelemy", 1, 17.9, -62.8],
  ["Holy See (Vatican City State)", 0.5, 41.9, 12.5], ["Libyan Arab Jamahiriya", 0.5, 26.3, 17.2],
  ["Palestinian Territory", 0.5, 31.9, 35.2], ["Netherlands Antilles", 0.5, 12.2, -69.0],
  ["Svalbard & Jan Mayen Islands", 0.5, 77.6, 23.7], ["Pitcairn Islands", 0.5, -24.4, -128.3],
  ["Bouvet Island (Bouvetoya)", 0.5, -54.4, 3.4],
  ["British Indian Ocean Territory (Chagos Archipelago)", 0.5, -6.3, 71.9],
  ["Antarctica (the territory South of 60 deg S)", 0.5, -75.3, 0.07],
];
