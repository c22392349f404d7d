package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web dashboard in a real headless Chromium against a real server and a real app: login by a one-time
 * link, the apps list, live logs, roll back by the button, and the refusals (a replayed link, another user's
 * app, a write without the CSRF header, a revoked token's session, a stream the browser dropped).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardEndToEndTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String admin;
    static String alice;
    static String bob;
    static WebDriver browser;
    static String usedCode;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "the dashboard test needs Debian's chromium and chromedriver: apt-get install chromium chromium-driver");
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        admin = server.token();
        alice = newUser("alice");
        bob = newUser("bob");
        Http.Answer deployed = Http.send("POST", server.api("/deploy/alice/logger"), alice, "application/gzip",
                Fixtures.tarball(loggerApp()));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        // a config change makes release 2, so there is a release to roll back to
        Http.Answer changed = Http.send("PATCH", server.api("/v1/apps/alice/logger/env"), alice, "application/json",
                "{\"set\": {\"COLOUR\": \"blue\"}}".getBytes());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(liveRelease()).isEqualTo(2);
        browser = chromium();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    /** An app that logs each request's path: a line the test makes it print while the page watches. */
    static Path loggerApp() throws IOException {
        Path app = Files.createDirectories(dir.resolve("logger"));
        Files.writeString(app.resolve("package.json"),
                "{ \"name\": \"logger\", \"version\": \"1.0.0\", \"scripts\": { \"start\": \"node server.js\" } }");
        Files.writeString(app.resolve("server.js"), """
                const http = require('http');
                http.createServer((req, res) => {
                  console.log('request ' + req.url);
                  res.end('ok\\n');
                }).listen(Number(process.env.PORT), () => console.log('listening'));
                """);
        return app;
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--window-size=1280,1000", "--disable-dev-shm-usage", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    static String newUser(String name) throws Exception {
        Http.Answer made = Http.send("POST", server.api("/v1/users"), admin, "application/json",
                ("{\"name\": \"" + name + "\"}").getBytes());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json().get("token").asText();
    }

    static JsonNode link(String token) throws Exception {
        Http.Answer made = Http.send("POST", server.api("/v1/dashboard/links"), token, "application/json", "{}".getBytes());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json();
    }

    static int liveRelease() throws Exception {
        return Http.get(server.api("/v1/apps/alice/logger"), admin).json().get("release").asInt();
    }

    static WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** A call with a session cookie and no token, as a browser (or a thief of the cookie) would make it. */
    static Http.Answer withCookie(String method, String path, String session, String csrf, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.api(path)).timeout(Duration.ofSeconds(30))
                .header("Cookie", "skep_session=" + session)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            b.header("X-Skep-CSRF", csrf);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Http.Answer(r.statusCode(), r.body());
    }

    /** Logs in through the API as the page does; the cookie's value and the CSRF token. */
    static String[] sessionOf(String code) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.api("/v1/dashboard/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\": \"" + code + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        String value = cookie.substring("skep_session=".length(), cookie.indexOf(';'));
        return new String[] {value, Http.JSON.readTree(r.body()).get("csrf").asText()};
    }

    @Test
    @Order(1)
    void aOneTimeLinkLogsInSeesTheAppsAndLeavesNoCodeInTheAddressBar() throws Exception {
        JsonNode link = link(alice);
        usedCode = link.get("code").asText();
        assertThat(link.get("path").asText()).isEqualTo("/#login=" + usedCode);
        browser.get(server.api(link.get("path").asText()).toString());

        WebElement row = waitFor(By.cssSelector("#apps tr[data-app='alice/logger']"));
        assertThat(row.getText()).contains("alice/logger", "v2");
        assertThat(browser.getCurrentUrl()).doesNotContain(usedCode).doesNotContain("login=");
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("alice");
        screenshot("dashboard-apps");

        Cookie cookie = browser.manage().getCookieNamed("skep_session");
        assertThat(cookie).as("session cookie").isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        // no script of the page can read it
        assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie")).asString()
                .doesNotContain("skep_session");
    }

    @Test
    @Order(2)
    void aSecondUseOfTheLinkIsRefusedAndSoIsAnUnknownOne() throws Exception {
        Http.Answer again = Http.send("POST", server.api("/v1/dashboard/session"), null, "application/json",
                ("{\"code\": \"" + usedCode + "\"}").getBytes());
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().get("error").asText()).contains("already used");
        assertThat(again.json().get("detail").asText()).contains("skep dashboard");

        Http.Answer unknown = Http.send("POST", server.api("/v1/dashboard/session"), null, "application/json",
                "{\"code\": \"0000\"}".getBytes());
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().get("error").asText()).contains("unknown login link");

        // in a browser too: the page says why and offers the token form
        browser.manage().deleteCookieNamed("skep_session");
        browser.get(server.api("/#login=" + usedCode).toString());
        WebElement error = waitFor(By.id("login-error"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> !error.getText().isEmpty());
        assertThat(error.getText()).contains("already used");
        assertThat(browser.getCurrentUrl()).doesNotContain(usedCode);

        // the token form logs in as well
        browser.findElement(By.id("login-token")).sendKeys(alice);
        browser.findElement(By.cssSelector("#login-form button")).click();
        waitFor(By.cssSelector("#apps tr[data-app='alice/logger']"));
    }

    @Test
    @Order(3)
    void liveLogsShowALineTheAppPrintsAfterThePageOpened() throws Exception {
        browser.get(server.api("/#/apps/alice/logger").toString());
        WebElement logs = waitFor(By.id("logs"));
        // the tail has arrived: from here on, a line can only come through the live follow
        await().atMost(Duration.ofSeconds(20)).until(() -> logs.getText().contains("listening"));
        String marker = "/marker-" + UUID.randomUUID();
        int[] sent = {0};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            // the app prints a line it never printed before (once a second: the follow may take a moment to start)
            Http.Answer hit = Http.hosted(server.routerPort, "logger.alice.localhost", marker + "-" + sent[0]++);
            assertThat(hit.status()).isEqualTo(200);
            assertThat(logs.getText()).contains("request " + marker);
        });
        // the filter keeps only matching lines
        browser.findElement(By.id("log-filter")).sendKeys("marker-");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(logs.getText().lines()).isNotEmpty().allMatch(l -> l.contains("marker-")));
    }

    @Test
    @Order(4)
    void theRollbackButtonPutsTheEarlierReleaseLive() throws Exception {
        browser.get(server.api("/#/apps/alice/logger").toString());
        WebElement button = waitFor(By.cssSelector("button[data-rollback='1']"));
        assertThat(liveRelease()).isEqualTo(2);
        button.click();
        await().atMost(Duration.ofSeconds(60)).until(() -> liveRelease() == 1);
        // the page shows it once reloaded after the change (it re-renders meanwhile: elements go stale)
        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(StaleElementReferenceException.class).untilAsserted(() ->
                assertThat(browser.findElement(By.id("live-release")).getAttribute("data-release")).isEqualTo("1"));
        screenshot("dashboard-app");
    }

    @Test
    @Order(5)
    void theAppPageShowsTrendsAndSettingsAndAddsADomain() throws Exception {
        browser.get(server.api("/#/apps/alice/logger").toString());
        waitFor(By.cssSelector("#domains li"));
        assertThat(browser.findElement(By.id("domains")).getText()).contains("logger.alice.localhost");
        assertThat(browser.findElement(By.id("health")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("alerts")).getText()).contains("mail:");
        assertThat(browser.findElement(By.id("volumes")).getText()).isNotBlank();

        browser.findElement(By.id("domain-name")).sendKeys("logs.example.org");
        browser.findElement(By.id("domain-add")).click();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
                .until(() -> !browser.findElements(By.cssSelector("#domains li[data-domain='logs.example.org']")).isEmpty());
        assertThat(Http.get(server.api("/v1/apps/alice/logger/domains"), alice).body()).contains("logs.example.org");

        // the monitor samples every 5 s: a CPU and a memory line per instance once it has two samples
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.navigate().refresh();
            try { // the page draws the lines when its metrics request answers, after the table
                new WebDriverWait(browser, Duration.ofSeconds(8))
                        .until(d -> d.findElements(By.cssSelector("#instances td.trend svg.spark polyline")).size() >= 2);
                return true;
            } catch (TimeoutException notYet) {
                return false;
            }
        });
        screenshot("dashboard-app-settings");

        // the apps page draws the app's summed CPU and memory the same way
        browser.get(server.api("/#/apps").toString());
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("#apps tr[data-app='alice/logger'] td.trend svg.spark polyline")).size() >= 2);
    }

    @Test
    @Order(6)
    void aWriteWithoutTheCsrfHeaderIsRefusedAndChangesNothing() throws Exception {
        String session = browser.manage().getCookieNamed("skep_session").getValue();
        String csrf = (String) ((JavascriptExecutor) browser).executeScript("return localStorage.getItem('skep.csrf')");
        assertThat(csrf).isNotBlank();
        Http.Answer refused = withCookie("POST", "/v1/apps/alice/logger/stop", session, null, "{}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).contains("X-Skep-CSRF");
        Http.Answer wrong = withCookie("POST", "/v1/apps/alice/logger/stop", session, "not-the-token", "{}");
        assertThat(wrong.status()).isEqualTo(403);
        // from the page's own origin too: a script that forgets the header gets nowhere
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/v1/apps/alice/logger/stop', {method: 'POST', credentials: 'same-origin',
                    headers: {'Content-Type': 'application/json'}, body: '{}'}).then(r => done(r.status));
                """);
        assertThat(status).isEqualTo(403L);
        JsonNode app = Http.get(server.api("/v1/apps/alice/logger"), admin).json();
        assertThat(app.get("running").asBoolean()).isTrue();
        // the cookie alone reads nothing either (an app on another port of this host could have collected it)
        assertThat(withCookie("GET", "/v1/apps/alice/logger", session, null, null).status()).isEqualTo(403);
        assertThat(withCookie("GET", "/v1/dashboard/session", session, null, null).body()).doesNotContain(csrf);
        // with the session's CSRF token, reads and writes go through
        assertThat(withCookie("GET", "/v1/apps/alice/logger", session, csrf, null).status()).isEqualTo(200);
        assertThat(withCookie("PATCH", "/v1/apps/alice/logger", session, csrf, "{\"instances\": 1}").status())
                .isEqualTo(200);
    }

    @Test
    @Order(7)
    void anotherUsersSessionSeesNothingOfAlicesApp() throws Exception {
        browser.get(server.api(link(bob).get("path").asText()).toString());
        waitFor(By.id("no-apps"));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("bob");
        assertThat(browser.getPageSource()).doesNotContain("alice/logger");
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/v1/apps/alice/logger/logs', {credentials: 'same-origin',
                    headers: {'X-Skep-CSRF': localStorage.getItem('skep.csrf')}}).then(r => done(r.status));
                """);
        assertThat(status).isEqualTo(403L);
        // the app page itself says no
        browser.get(server.api("/#/apps/alice/logger").toString());
        WebElement error = waitFor(By.cssSelector("#main .error"));
        assertThat(error.getText()).contains("may not manage alice/logger");

        String[] bobs = sessionOf(link(bob).get("code").asText());
        assertThat(withCookie("GET", "/v1/apps", bobs[0], bobs[1], null).body()).doesNotContain("alice");
        assertThat(withCookie("GET", "/v1/events?app=alice/logger", bobs[0], bobs[1], null).status()).isEqualTo(403);
        assertThat(withCookie("POST", "/v1/apps/alice/logger/rollback", bobs[0], bobs[1], "{}").status()).isEqualTo(403);
        assertThat(withCookie("GET", "/v1/users", bobs[0], bobs[1], null).status()).isEqualTo(403);
        assertThat(liveRelease()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void revokingTheTokenEndsItsSessionsAndLogoutEndsOne() throws Exception {
        JsonNode second = Http.send("POST", server.api("/v1/tokens"), alice, "application/json", "{}".getBytes()).json();
        String[] session = sessionOf(link(second.get("token").asText()).get("code").asText());
        assertThat(withCookie("GET", "/v1/apps", session[0], session[1], null).status()).isEqualTo(200);
        assertThat(Http.send("DELETE", server.api("/v1/tokens/" + second.get("id").asText()), alice, null, null).status())
                .isEqualTo(204);
        Http.Answer after = withCookie("GET", "/v1/apps", session[0], session[1], null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("error").asText()).contains("revoked");

        String[] other = sessionOf(link(alice).get("code").asText());
        assertThat(withCookie("DELETE", "/v1/dashboard/session", other[0], null, null).status()).isEqualTo(403);
        assertThat(withCookie("DELETE", "/v1/dashboard/session", other[0], other[1], null).status()).isEqualTo(204);
        assertThat(withCookie("GET", "/v1/apps", other[0], other[1], null).status()).isEqualTo(401);
    }

    @Test
    @Order(9)
    void anAdminSeesTheAgentsOnTheClusterPageAndAPlainUserIsRefused() throws Exception {
        browser.get(server.api(link(admin).get("path").asText()).toString());
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("who")).getText().endsWith("(admin)"));
        WebElement clusterLink = browser.findElement(By.cssSelector("a[href='#/cluster']"));
        assertThat(clusterLink.isDisplayed()).as("the Cluster link, for admins").isTrue();
        clusterLink.click();
        WebElement row = waitFor(By.cssSelector("#agents tr[data-agent]"));
        assertThat(row.getText()).contains("ready").contains("127.0.0.1");
        assertThat(row.findElement(By.cssSelector("button.drain")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("state-store")).getText()).contains("reachable");
        assertThat(waitFor(By.cssSelector("#routers tr[data-router]")).getText()).isNotBlank();
        screenshot("dashboard-cluster");

        browser.get(server.api(link(bob).get("path").asText()).toString());
        waitFor(By.id("no-apps"));
        assertThat(browser.findElement(By.cssSelector("a[href='#/cluster']")).isDisplayed()).isFalse();
        browser.get(server.api("/#/cluster").toString());
        WebElement error = waitFor(By.cssSelector("#main .error"));
        assertThat(error.getText()).contains("admin");
        assertThat(browser.getPageSource()).doesNotContain("data-agent");
    }

    @Test
    @Order(10)
    void aBrowserThatLeavesMidStreamLeavesNoLogFollowerBehind() throws Exception {
        // the pages earlier tests left have dropped their streams: those end within the route's heartbeat
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> logFollowers() == 0);
        int before = 0;
        // the link as `skep dashboard USER/APP --print-url` prints it: straight to the app's page
        String url = cli(alice, "dashboard", "alice/logger", "--print-url");
        assertThat(url).startsWith("http://127.0.0.1:" + server.apiPort + "/#login=").endsWith("&app=alice/logger");
        browser.get(url);
        waitFor(By.id("logs"));
        assertThat(browser.getCurrentUrl()).endsWith("/#/apps/alice/logger");
        await().atMost(Duration.ofSeconds(20)).until(() -> logFollowers() == before + 1);
        // away from the page, then the whole browser goes, mid-stream
        browser.quit();
        browser = null;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> logFollowers() == before);
    }

    @Test
    @Order(11)
    void apiClientsAtTheRootGetWhatTheyAlwaysGot() throws Exception {
        assertThat(Http.get(server.api("/"), null).status()).isEqualTo(401);
        assertThat(Http.get(server.api("/"), admin).status()).isEqualTo(404);
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.api("/"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        assertThat(Http.get(server.api("/dashboard/../admin.token"), null).status()).isIn(400, 404);
        // a cross-site form cannot log a browser in: the login takes JSON only
        Http.Answer form = Http.send("POST", server.api("/v1/dashboard/session"), null,
                "application/x-www-form-urlencoded", ("token=" + alice).getBytes());
        assertThat(form.status()).isEqualTo(400);
    }

    /** Keeps what the browser shows beside the server's log, for whoever reads a failure. */
    static void screenshot(String name) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(logs.resolve(name + ".png"), png);
    }

    /** Runs the CLI in this JVM against the server as {@code token}'s user; its standard output, trimmed. */
    static String cli(String token, String... args) {
        return CliRun.of(Map.of("SKEP_SERVER", "http://127.0.0.1:" + server.apiPort, "SKEP_TOKEN", token), dir, args)
                .expect(0).out().trim();
    }

    /** How many log follows the server is serving: its threads parked in the log route, from a thread dump. */
    static int logFollowers() throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Path dump = dir.resolve("threads-" + UUID.randomUUID() + ".txt");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "Thread.dump_to_file",
                "-format=text", dump.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        String text = Files.readString(dump);
        return (int) text.lines().filter(l -> l.contains("LogRoutes.logs(")).count();
    }
}
