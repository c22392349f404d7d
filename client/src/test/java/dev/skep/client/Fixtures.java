package dev.skep.client;

/** JSON answers as the real API writes them, for the client's and the CLI's tests. */
public final class Fixtures {

    public static final String INSTANCE_1 = """
            {"instance":"alice.shop.3.ab12cd","release":3,"host":"127.0.0.1","port":40001,"pid":4242,
             "state":"ready","since":"2026-11-26T01:00:00Z","restarts":0,"lastExit":null,
             "memoryBytes":52428800,"cpuPercent":1.5}""";

    public static final String INSTANCE_2 = """
            {"instance":"alice.shop.3.ef34ab","release":3,"host":"127.0.0.1","port":40002,"pid":4243,
             "state":"backoff","since":"2026-11-26T01:59:30Z","restarts":4,"lastExit":"code 1",
             "memoryBytes":null,"cpuPercent":null}""";

    public static final String SHOP = """
            {"app":"alice/shop","user":"alice","name":"shop","release":3,"instancesWanted":2,"running":true,
             "state":"degraded","domains":[],"url":"http://shop.alice.localhost:8080",
             "updated":"2026-11-26T01:02:03.456Z","futureField":{"x":1},
             "instances":[%s,%s],
             "releases":[{"number":3,"sha256":"abc","command":["node","server.js"],"created":"2026-11-26T01:00:00Z",
                          "createdBy":"alice","note":"deploy","current":true,"node":"22.23.5"},
                         {"number":2,"sha256":"def","command":["node","server.js"],"created":"2026-11-25T01:00:00Z",
                          "createdBy":"alice","note":"deploy","current":false}]}
            """.formatted(INSTANCE_1, INSTANCE_2);

    public static final String BLOG_LISTED = """
            {"app":"bob/blog","user":"bob","name":"blog","release":0,"instancesWanted":1,"running":true,
             "state":"new","domains":[],"url":"http://blog.bob.localhost:8080","updated":"2026-11-26T00:00:00Z",
             "instances":[],"releases":[]}""";

    public static final String SHOP_LISTED = """
            {"app":"alice/shop","user":"alice","name":"shop","release":3,"instancesWanted":2,"running":true,
             "state":"degraded","domains":[],"url":"http://shop.alice.localhost:8080",
             "updated":"2026-11-26T01:02:03.456Z","instances":[%s,%s],"releases":[]}""".formatted(INSTANCE_1, INSTANCE_2);

    public static final String DEPLOY_RESULT = """
            {"app":"alice/shop","release":4,"sha256":"0123abcd","uploadBytes":1234,"command":["node","server.js"],
             "buildMillis":1500,"totalMillis":4200,"url":"http://shop.alice.localhost:8080",
             "instances":[%s]}""".formatted(INSTANCE_1.replace("\"release\":3", "\"release\":4"));

    private Fixtures() {
    }

    /** The app JSON with another state/running/wanted, for start, stop, scale answers. */
    public static String shop(String state, boolean running, int wanted) {
        return SHOP.replace("\"state\":\"degraded\"", "\"state\":\"" + state + "\"")
                .replace("\"running\":true", "\"running\":" + running)
                .replace("\"instancesWanted\":2", "\"instancesWanted\":" + wanted);
    }
}
