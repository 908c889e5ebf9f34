/**
 * Word lists for `pinterest_data`: the course's 13 categories with subjects, shared adjectives,
 * title and description templates, and poster-name parts.
 *
 * @module
 */

/**
 * A category with its relative weight and the subjects its pins are about.
 *
 * @example
 * ```ts
 * import { CATEGORIES, type CategoryVocab } from "./vocab_pins.ts";
 * const art: CategoryVocab = CATEGORIES[0];
 * console.log(art.name, art.weight, art.subjects[0]); // art 8 Watercolor Painting
 * ```
 */
export interface CategoryVocab {
  readonly name: string;
  readonly weight: number;
  readonly subjects: readonly string[];
}

// deno-fmt-ignore
/**
 * The course's categories, weighted roughly like the course's data set.
 *
 * @example
 * ```ts
 * import { CATEGORIES } from "./vocab_pins.ts";
 * console.log(CATEGORIES.map((c) => c.name).join(", "));
 * ```
 */
export const CATEGORIES: readonly CategoryVocab[] = [
  { name: "art", weight: 8, subjects: ["Watercolor Painting", "Abstract Art", "Sketchbook Pages",
    "Acrylic Pour", "Canvas Art", "Pencil Drawing", "Street Art", "Portrait Drawing"] },
  { name: "beauty", weight: 8, subjects: ["Makeup Looks", "Skin Care Routine", "Nail Art",
    "Hairstyles", "Eyeshadow Palette", "Braids", "Lipstick Shades", "Face Masks"] },
  { name: "christmas", weight: 7, subjects: ["Christmas Decorations", "Christmas Tree",
    "Holiday Cookies", "Advent Calendar", "Christmas Crafts", "Gift Wrapping", "Christmas Wreath",
    "Stocking Stuffers"] },
  { name: "diy-and-crafts", weight: 8, subjects: ["Summer Crafts", "Paper Flowers",
    "Mason Jar Crafts", "Crochet Patterns", "Kids Crafts", "Upcycled Furniture",
    "Macrame Wall Hanging", "Resin Art"] },
  { name: "education", weight: 8, subjects: ["Classroom Ideas", "Math Worksheets",
    "Reading Activities", "Science Experiments", "Study Tips", "Homeschool Schedule",
    "Teaching Resources", "Bullet Journal"] },
  { name: "event-planning", weight: 7, subjects: ["Wedding Ideas", "Party Decorations",
    "Baby Shower Themes", "Birthday Party", "Table Settings", "Bridal Shower", "Event Checklist",
    "Balloon Garland"] },
  { name: "finance", weight: 7, subjects: ["Budget Planner", "Saving Money Tips", "Debt Payoff",
    "Side Hustles", "Investing for Beginners", "Money Challenge", "Frugal Living",
    "Passive Income"] },
  { name: "home-decor", weight: 8, subjects: ["Living Room Decor", "Bedroom Ideas",
    "Kitchen Design", "Farmhouse Decor", "Bathroom Makeover", "Wall Decor", "Boho Interiors",
    "Small Apartment"] },
  { name: "mens-fashion", weight: 8, subjects: ["Mens Outfits", "Casual Style", "Streetwear",
    "Suits", "Sneakers", "Mens Haircuts", "Winter Jackets", "Watches"] },
  { name: "quotes", weight: 7, subjects: ["Motivational Quotes", "Love Quotes", "Life Quotes",
    "Inspirational Sayings", "Funny Quotes", "Friendship Quotes", "Positive Affirmations",
    "Success Quotes"] },
  { name: "tattoos", weight: 8, subjects: ["Small Tattoos", "Sleeve Tattoos",
    "Minimalist Tattoos", "Flower Tattoos", "Tattoo Designs", "Wrist Tattoos", "Back Tattoos",
    "Fine Line Tattoos"] },
  { name: "travel", weight: 8, subjects: ["Travel Destinations", "Road Trip", "Beach Vacation",
    "Packing List", "Travel Photography", "Backpacking Europe", "Hidden Gems", "Travel Hacks"] },
  { name: "vehicles", weight: 8, subjects: ["Classic Cars", "Sports Cars", "Motorcycles",
    "Camper Van", "Off Road Trucks", "Car Interior", "Muscle Cars", "Electric Cars"] },
];

// deno-fmt-ignore
/**
 * Adjectives shared by titles, descriptions and tags.
 *
 * @example
 * ```ts
 * import { ADJECTIVES } from "./vocab_pins.ts";
 * console.log(ADJECTIVES.length, ADJECTIVES[0]); // 24 Easy
 * ```
 */
export const ADJECTIVES: readonly string[] = [
  "Easy", "Simple", "Beautiful", "Cute", "Creative", "Modern", "Vintage", "Cozy", "Stunning",
  "Unique", "Budget Friendly", "Amazing", "Minimalist", "Colorful", "Elegant", "Fun", "Best",
  "Aesthetic", "Classic", "Quick", "Cheap", "Gorgeous", "Rustic", "Bold",
];

// deno-fmt-ignore
/**
 * Who a pin is for.
 *
 * @example
 * ```ts
 * import { AUDIENCES } from "./vocab_pins.ts";
 * console.log(AUDIENCES.length, AUDIENCES[0]); // 12 Kids
 * ```
 */
export const AUDIENCES: readonly string[] = [
  "Kids", "Beginners", "Teens", "Women", "Men", "Couples", "Families", "Students", "Everyone",
  "Small Spaces", "Busy Moms", "Teachers",
];

/**
 * Title templates: `{n}` a number, `{adj}` an adjective, `{s}` a subject, `{a}` an audience, `{y}` a year.
 *
 * @example
 * ```ts
 * import { TITLE_TEMPLATES } from "./vocab_pins.ts";
 * console.log(TITLE_TEMPLATES.length, TITLE_TEMPLATES[0]); // 10 {n} {adj} {s} Ideas
 * ```
 */
export const TITLE_TEMPLATES: readonly string[] = [
  "{n} {adj} {s} Ideas",
  "{n} {adj} {s} for {a}",
  "{adj} {s} for {a}",
  "How to Make {adj} {s}",
  "The Best {s} of {y}",
  "{s}: {n} {adj} Ideas You Will Love",
  "{adj} {s}",
  "{n} Ways to Try {s} This Year",
  "Our Favourite {adj} {s}",
  "{s} Inspiration",
];

/**
 * Description sentence templates, same placeholders as the titles.
 *
 * @example
 * ```ts
 * import { DESCRIPTION_SENTENCES } from "./vocab_pins.ts";
 * console.log(DESCRIPTION_SENTENCES.length, DESCRIPTION_SENTENCES[0]); // 10 Discover {adj} {s} you will love.
 * ```
 */
export const DESCRIPTION_SENTENCES: readonly string[] = [
  "Discover {adj} {s} you will love.",
  "Get inspired by these {adj} {s} for {a}.",
  "Keep it simple with {n} {adj} {s}.",
  "Click through for the full guide to {s}.",
  "Save this pin for later!",
  "Everything you need to know about {s}.",
  "These {s} are perfect for {a}.",
  "Find more {adj} ideas on our blog.",
  "Step by step {s} tutorial with photos.",
  "Our readers love these {adj} {s}.",
];

// deno-fmt-ignore
/**
 * Words for blog and shop poster names.
 *
 * @example
 * ```ts
 * import { BRAND_WORDS } from "./vocab_pins.ts";
 * console.log(BRAND_WORDS.length, BRAND_WORDS[0]); // 18 Life
 * ```
 */
export const BRAND_WORDS: readonly string[] = [
  "Life", "Home", "Studio", "Blog", "Design", "Style", "Co", "Creative", "Daily", "Journal",
  "Corner", "Nest", "Lab", "House", "Collective", "Diaries", "Hub", "Works",
];

/**
 * Suffixes some poster names carry (blank most of the time).
 *
 * @example
 * ```ts
 * import { POSTER_SUFFIXES } from "./vocab_pins.ts";
 * console.log(POSTER_SUFFIXES.length, POSTER_SUFFIXES.filter((s) => s === "").length); // 8 5
 * ```
 */
export const POSTER_SUFFIXES: readonly string[] = [
  " | Lifestyle Blog",
  " - DIY & Home",
  " Official",
  "",
  "",
  "",
  "",
  "",
];
