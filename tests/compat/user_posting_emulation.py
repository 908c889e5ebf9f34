"""Post emulated Pinterest rows to the gateway, as the course's user_posting_emulation.py does.

Python 3 standard library only (urllib.request instead of requests; generated rows instead
of the course's RDS database), so it runs anywhere:

    python3 tests/compat/user_posting_emulation.py http://127.0.0.1:8080 pinterest 20

For each post it picks a random row index and sends the pin, geo and user rows
  - batch:  POST {invoke_url}/topics/{prefix}.pin|.geo|.user
            Content-Type: application/vnd.kafka.json.v2+json
            body json.dumps({"records": [{"value": row}]}, default=str)
  - stream: PUT {invoke_url}/streams/streaming-{prefix}-pin|geo|user/record
            Content-Type: application/json
            body json.dumps({"StreamName": ..., "Data": row, "PartitionKey": "partition-1"},
                            default=str)
It prints the status of each request and exits 1 if any answer is not 200.
With --dump FILE it writes every row it sent, one JSON line each, for checking.
"""

import argparse
import datetime
import json
import random
import sys
import urllib.error
import urllib.request

random.seed(100)

CATEGORIES = ["art", "beauty", "christmas", "diy-and-crafts", "education", "event-planning",
              "finance", "home-decor", "mens-fashion", "quotes", "tattoos", "travel", "vehicles"]
COUNTRIES = ["Afghanistan", "Albania", "Algeria", "American Samoa", "Angola", "Antarctica",
             "Bulgaria", "Cote d'Ivoire", "Maldives", "Timor-Leste"]
FIRST = ["Abigail", "Alexandra", "Andrea", "Christopher", "Michael", "Thomas", "Zoë"]
LAST = ["Ali", "Young", "Smith", "Garcia", "O'Brien", "Nguyen"]


def pin_row(index):
    category = random.choice(CATEGORIES)
    followers = random.choice(["User Info Error", "12k", "1M", str(random.randint(0, 99999))])
    return {
        "index": index,
        "unique_id": "%08x-%04x-%04x-%04x-%012x" % tuple(
            random.getrandbits(b) for b in (32, 16, 16, 16, 48)),
        "title": random.choice(["No Title Data Available", "Ideas for \"%s\" ✨" % category]),
        "description": random.choice(["No description available Story format",
                                      "A line\nwith a newline and a tab\t"]),
        "poster_name": random.choice(["User Info Error", "Maya's Studio"]),
        "follower_count": followers,
        "tag_list": random.choice(["N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e", "a,b,c"]),
        "is_image_or_video": random.choice(["image", "video", "multi-video(story page format)"]),
        "image_src": random.choice(["Image src error.",
                                    "https://i.pinimg.com/originals/%d.jpg" % index]),
        "downloaded": random.randint(0, 1),
        "save_location": "Local save in /data/%s" % category,
        "category": category,
    }


def random_datetime(first_year, last_year):
    start = datetime.datetime(first_year, 1, 1)
    span = (datetime.datetime(last_year, 12, 31, 23, 59, 59) - start).total_seconds()
    return start + datetime.timedelta(seconds=random.randint(0, int(span)))


def geo_row(index):
    return {
        "ind": index,
        "timestamp": random_datetime(2015, 2022),
        "latitude": round(random.uniform(-90, 90), 4),
        "longitude": round(random.uniform(-180, 180), 4),
        "country": random.choice(COUNTRIES),
    }


def user_row(index):
    return {
        "ind": index,
        "first_name": random.choice(FIRST),
        "last_name": random.choice(LAST),
        "age": random.randint(20, 60),
        "date_joined": random_datetime(2015, 2017),
    }


def send(method, url, payload, content_type, api_key):
    headers = {"Content-Type": content_type}
    if api_key:
        headers["x-api-key"] = api_key
    request = urllib.request.Request(url, data=payload.encode("utf-8"), headers=headers,
                                     method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        print("  error body:", err.read().decode("utf-8", "replace"))
        return err.code


def run_post_data_loop(invoke_url, prefix, posts, api_key, dump):
    failures = 0
    for _ in range(posts):
        random_row = random.randint(0, 11000)
        rows = {"pin": pin_row(random_row), "geo": geo_row(random_row),
                "user": user_row(random_row)}
        for kind, result in rows.items():
            topic = "%s.%s" % (prefix, kind)
            payload = json.dumps({"records": [{"value": result}]}, default=str)
            status = send("POST", "%s/topics/%s" % (invoke_url, topic), payload,
                          "application/vnd.kafka.json.v2+json", api_key)
            print("POST topics/%s %d" % (topic, status))
            failures += status != 200

            stream = "streaming-%s-%s" % (prefix, kind)
            payload = json.dumps({"StreamName": stream, "Data": result,
                                  "PartitionKey": "partition-1"}, default=str)
            status = send("PUT", "%s/streams/%s/record" % (invoke_url, stream), payload,
                          "application/json", api_key)
            print("PUT streams/%s/record %d" % (stream, status))
            failures += status != 200
            if dump:
                dump.write(json.dumps({"kind": kind, "row": result}, default=str) + "\n")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("invoke_url", help="gateway base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("prefix", help="topic/stream prefix, e.g. pinterest")
    parser.add_argument("posts", type=int, help="number of posts (each = pin, geo, user)")
    parser.add_argument("--api-key", default=None, help="sent as x-api-key")
    parser.add_argument("--dump", default=None, help="write the sent rows here (JSON lines)")
    args = parser.parse_args()
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    try:
        failures = run_post_data_loop(args.invoke_url.rstrip("/"), args.prefix, args.posts,
                                      args.api_key, dump)
    finally:
        if dump:
            dump.close()
    print("%d posts, %d requests failed" % (args.posts, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
