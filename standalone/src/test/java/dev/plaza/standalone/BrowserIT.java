package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.kit.http.HttpTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web front end in a real browser: Debian's chromium, headless, through its chromedriver, against
 * {@code ./plaza up} in this JVM. Skipped, saying how to enable it, where chromium or chromium-driver is missing
 * ({@code .ci/run} installs both).
 */
class BrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String PASSWORD = "plaza-demo-2026";
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final String SKIPPED = "browser tests skipped: no " + CHROMIUM + " or " + CHROMEDRIVER
            + "; enable them with: apt-get install chromium chromium-driver";
    private static final String XSS = "<img src=x onerror=alert(1)> is just text";

    @TempDir
    Path home;

    private Standalone plaza;
    private WebDriver alice;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(hasBrowser(), SKIPPED);
        // the engines' OpenSearch is not needed by these pages
        plaza = StandaloneIT.startIn(home, Optional.empty(), "engines.kinds=MARIADB,REDIS,KAFKA",
                "comment.admin.enabled=false");
        alice = browser();
    }

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.quit();
        }
        if (plaza != null) {
            plaza.stop();
        }
    }

    static boolean hasBrowser() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + plaza.httpPort() + path;
    }

    static WebDriverWait waitFor(WebDriver driver) {
        return new WebDriverWait(driver, WAIT);
    }

    /** Whether {@code what} is in the page within {@code within}; for polls that reload the page between tries. */
    static boolean appears(WebDriver driver, By what, Duration within) {
        try {
            new WebDriverWait(driver, within).until(ExpectedConditions.presenceOfElementLocated(what));
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    private void logIn(WebDriver driver, String user) {
        logIn(driver, url(""), user);
    }

    /** Logs {@code user} (a demo user) in through the home page's form. */
    static void logIn(WebDriver driver, String base, String user) {
        driver.get(base + "/");
        WebDriverWait wait = waitFor(driver);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username"))).sendKeys(user);
        driver.findElement(By.id("login-password")).sendKeys(PASSWORD, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".me-name"), user));
    }

    @Test
    void logInCommentAsTextLikeAndFindTheVideoInHistory() {
        logIn(alice, "alice");
        WebDriverWait wait = waitFor(alice);

        // the demo videos on the home page; open the first
        WebElement first = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".video-title a")));
        String title = first.getText();
        first.click();
        wait.until(ExpectedConditions.urlContains("/video/"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), title));

        // a comment that would run script if it were put in the page as HTML shows as those characters
        WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("form.post-box textarea")));
        box.sendKeys(XSS, Keys.ENTER);
        By ownComment = By.xpath("//p[contains(@class,'comment-text') and text()='" + XSS + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(ownComment));
        assertThat(alice.findElements(By.cssSelector(".comment-list img[src='x']"))).isEmpty();
        assertThatThrownBy(() -> alice.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

        // after a reload it comes from the server (once the comment job has applied it), and can be liked
        wait.pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.navigate().refresh();
            return appears(d, ownComment, Duration.ofSeconds(3));
        });
        WebElement comment = alice.findElement(ownComment).findElement(By.xpath("./ancestor::li[1]"));
        WebElement like = comment.findElement(By.cssSelector(".comment-actions button[aria-pressed]"));
        assertThat(like.getAttribute("aria-pressed")).isEqualTo("false");
        like.click();
        wait.until(ExpectedConditions.attributeToBe(like, "aria-pressed", "true"));
        assertThat(like.getText()).contains("1");

        // alice uploaded the demo videos, so she may pin it; the pin shows once the comment job has applied it
        comment.findElement(By.xpath(".//button[text()='Pin to top']")).click();
        wait.until(d -> !d.findElements(By.xpath("//li[contains(@class,'comment') and .//span[text()='Pinned']]"
                + "//p[contains(@class,'comment-text') and text()='" + XSS + "']")).isEmpty());
        comment = alice.findElement(ownComment).findElement(By.xpath("./ancestor::li[1]"));

        // a reply to it, shown under it at once and, after a reload, from the server
        comment.findElement(By.xpath(".//button[text()='Reply']")).click();
        WebElement replyBox = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector(".reply-slot form.post-box textarea")));
        replyBox.sendKeys("a reply to myself", Keys.ENTER);
        By reply = By.xpath("//li[contains(@class,'comment') and contains(@class,'reply')]"
                + "//p[contains(@class,'comment-text') and text()='a reply to myself']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(reply));
        wait.pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.navigate().refresh();
            return appears(d, reply, Duration.ofSeconds(3));
        });

        // play a moment and pause: the player reports progress, and the history page lists the video
        WebElement play = alice.findElement(By.cssSelector(".player-play"));
        play.click();
        sleep(2_500);
        play.click();
        wait.pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.get(url("/history"));
            return appears(d, By.xpath("//li[contains(@class,'history-item')]//a[text()='" + title + "']"),
                    Duration.ofSeconds(3));
        });
    }

    @Test
    void aDanmakuSentInOneBrowserArrivesInAnother() {
        logIn(alice, "alice");
        WebDriver bob = browser();
        try {
            logIn(bob, "bob");
            WebDriverWait aliceWaits = waitFor(alice);
            WebElement first = aliceWaits.until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector(".video-title a")));
            String video = first.getAttribute("href");
            first.click();
            bob.get(video);
            WebDriverWait bobWaits = waitFor(bob);
            // both connected to the room (the comet's address comes from getDanmuInfo)
            for (WebDriverWait w : List.of(aliceWaits, bobWaits)) {
                w.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".danmaku-state"),
                        "Live"));
            }
            WebElement input = aliceWaits.until(ExpectedConditions.elementToBeClickable(By.id("danmaku-input")));
            input.sendKeys("hello from alice", Keys.ENTER);
            bobWaits.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".danmaku-list"),
                    "hello from alice"));
            assertThat(bob.findElement(By.cssSelector(".danmaku-list")).getText()).contains("alice");
        } finally {
            bob.quit();
        }
    }

    @Test
    void aPrivateMessageSentInOneBrowserArrivesLiveInAnother() {
        long bobMid = HttpTestClient.local(plaza.httpPort()).post("/x/passport/login").param("username", "bob")
                .param("password", PASSWORD).send().data().path("mid").asLong();
        logIn(alice, "alice");
        WebDriver bob = browser();
        try {
            logIn(bob, "bob");
            bob.get(url("/messages"));
            WebDriverWait bobWaits = waitFor(bob);
            bobWaits.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pm-live"),
                    "arrive live"));

            alice.get(url("/messages?talker=" + bobMid));
            WebElement input = waitFor(alice).until(ExpectedConditions.elementToBeClickable(By.id("pm-input")));
            input.sendKeys("hi bob, <b>not bold</b>", Keys.ENTER);
            waitFor(alice).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector(".pm-messages .pm-message.mine"), "hi bob, <b>not bold</b>"));

            // bob's open page hears it: a session from alice with an unread badge, then the message itself
            WebElement session = bobWaits.until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector(".pm-session[data-talker]")));
            bobWaits.until(d -> !d.findElement(By.cssSelector(".pm-session .badge")).getText().isBlank());
            session.click();
            bobWaits.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector(".pm-messages .pm-message"), "hi bob, <b>not bold</b>"));
            assertThat(bob.findElements(By.cssSelector(".pm-messages b"))).as("text stays text").isEmpty();
            // alice recalls it: bob's page marks it from the push
            waitFor(alice).until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector(".pm-messages .pm-message.mine .pm-recall"))).click();
            waitFor(alice).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector(".pm-messages .pm-message.mine .pm-text"), "This message was recalled."));
            bobWaits.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector(".pm-messages .pm-message .pm-text"), "This message was recalled."));

            // bob blocks alice: his box closes, and her next message is refused with the reason in words
            bob.findElement(By.cssSelector(".pm-block")).click();
            bobWaits.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pm-block"), "Unblock"));
            assertThat(bob.findElement(By.id("pm-input")).isEnabled()).isFalse();
            WebElement again = alice.findElement(By.id("pm-input"));
            again.sendKeys("are you there?", Keys.ENTER);
            waitFor(alice).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector(".pm-conversation .message.error"), "one of you has blocked the other"));

            // live, yet no script could read bob's session: it is only the HttpOnly cookie the WebSocket sent
            JavascriptExecutor page = (JavascriptExecutor) bob;
            assertThat(page.executeScript("return Object.keys(localStorage).length")).isEqualTo(0L);
            assertThat((String) page.executeScript("return document.cookie")).doesNotContain("SESSDATA");
        } finally {
            bob.quit();
        }
    }

    @Test
    void everyPageFitsAPhoneAndWorksByKeyboard() {
        HttpTestClient http = HttpTestClient.local(plaza.httpPort());
        String aliceToken = token(http, "alice");
        String bobToken = token(http, "bob");
        long bobMid = http.get("/x/web-interface/nav").bearer(bobToken).send().data().path("mid").asLong();
        long aliceMid = http.get("/x/web-interface/nav").bearer(aliceToken).send().data().path("mid").asLong();
        // something on every page: comments, progress on three videos, a conversation
        JsonNode archives = http.get("/x/archive/list").param("pn", 1).param("ps", 3).send().data().path("archives");
        long aid = archives.path(0).path("aid").asLong();
        double[] watched = {0.6, 0.3, 1};
        for (int i = 0; i < 3; i++) {
            JsonNode v = archives.path(i);
            long played = watched[i] == 1 ? -1 : Math.max(1, Math.round(v.path("duration").asLong() * watched[i]));
            assertThat(http.post("/x/click-interface/web/heartbeat").bearer(aliceToken).param("aid", v.path("aid").asLong())
                    .param("cid", v.path("cid").asLong()).param("played_time", played).send().code()).isZero();
        }
        for (String[] c : new String[][] {{bobToken, "First! Great video."}, {aliceToken, "Thanks for watching."}}) {
            assertThat(http.post("/x/v2/reply/add").bearer(c[0]).param("type", 1).param("oid", aid)
                    .param("message", c[1]).send().code()).isZero();
        }
        sendPm(http, bobToken, aliceMid, "hey alice, are you streaming tonight?");
        sendPm(http, aliceToken, bobMid, "yes, at eight");
        sendPm(http, bobToken, aliceMid, "see you there");

        // logged out, the home page, and logging in with the keyboard alone
        alice.get(url("/"));
        WebDriverWait wait = waitFor(alice);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".video-title a")));
        checkPage("home");
        alice.get(url("/"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));

        // the API's errors, said in words next to the form that caused them
        submitForm("login", "alice", "not-her-password-1");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(errorOf("login"), "Wrong username or password."));
        submitForm("register", "alice", "another-pass-2");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(errorOf("register"),
                "That username is already taken."));
        submitForm("register", "newcomer", "lettersonly");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(errorOf("register"), "Invalid input: "));
        assertThat(alice.findElement(errorOf("register")).getText()).containsIgnoringCase("digit");
        alice.get(url("/"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
        Actions keys = new Actions(alice);
        for (int i = 0; i < 20 && !"login-username".equals(alice.switchTo().activeElement().getAttribute("id")); i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertThat(alice.switchTo().activeElement().getAttribute("id")).isEqualTo("login-username");
        keys.sendKeys("alice").sendKeys(Keys.TAB).sendKeys(PASSWORD).sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".me-name"), "alice"));

        alice.get(url("/video/" + aid));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".danmaku-state"), "Live"));
        wait.pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.navigate().refresh();
            return appears(d, By.xpath("(//p[contains(@class,'comment-text')])[2]"), Duration.ofSeconds(3));
        });
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".danmaku-state"), "Live"));
        alice.findElement(By.id("danmaku-input")).sendKeys("nice", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".danmaku-list"), "nice"));
        checkPage("video");

        alice.get(url("/history"));
        wait.until(d -> d.findElements(By.cssSelector(".history-item")).size() == 3);
        checkPage("history");

        alice.get(url("/messages?talker=" + bobMid));
        wait.until(d -> d.findElements(By.cssSelector(".pm-messages .pm-message")).size() == 3);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pm-live"), "arrive live"));
        checkPage("messages");

        // upload: a duration the form cannot read is refused before anything is sent; then the new video opens
        alice.get(url("/upload"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-title")));
        checkPage("upload");
        alice.findElement(By.id("upload-title")).sendKeys("My first upload");
        alice.findElement(By.id("upload-duration")).sendKeys("a minute");
        alice.findElement(By.id("upload-media")).sendKeys("https://example.com/mine.mp4");
        alice.findElement(By.cssSelector("form.upload button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("form.upload .message.error"),
                "Duration"));
        WebElement duration = alice.findElement(By.id("upload-duration"));
        duration.clear();
        duration.sendKeys("1:30", Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("/video/"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "My first upload"));
        assertThat(alice.findElement(By.cssSelector(".watch-stats")).getText()).contains("1:30");
    }

    private void submitForm(String kind, String user, String password) {
        for (String field : new String[] {"username", "password"}) {
            WebElement input = alice.findElement(By.id(kind + "-" + field));
            input.clear();
            input.sendKeys(field.equals("username") ? user : password);
        }
        alice.findElement(By.id(kind + "-password")).sendKeys(Keys.ENTER);
    }

    private static By errorOf(String kind) {
        return By.xpath("//form[.//input[@id='" + kind + "-username']]//p[contains(@class,'message') and "
                + "contains(@class,'error')]");
    }

    /** The page as it is now: screenshots, then no sideways scrolling at 360 px and every control reachable by Tab. */
    private void checkPage(String name) {
        PageChecks.screenshots(alice, name);
        PageChecks.assertFitsWidth(alice, name, PageChecks.NARROWEST);
        PageChecks.assertKeyboardReachesEverything(alice, name);
    }

    private static String token(HttpTestClient http, String user) {
        return http.post("/x/passport/login").param("username", user).param("password", PASSWORD).send().data()
                .path("token").asText();
    }

    private static void sendPm(HttpTestClient http, String token, long to, String text) {
        assertThat(http.post("/web_im/v1/web_im/send_msg").bearer(token).param("msg[receiver_id]", to)
                .param("msg[receiver_type]", 1).param("msg[msg_type]", 1)
                .param("msg[content]", "{\"content\":\"" + text + "\"}").send().code()).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
