package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.http.HttpTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real browser, with the search cluster the admin role needs: an admin finds a comment and
 * hides it, and it disappears for a reader in another browser. Skipped like {@link BrowserIT} without chromium.
 */
class AdminBrowserIT {
    private static final String TEXT = "please hide me, admin";
    private static final String HELD = "no spoiler here, approve me";

    @TempDir
    Path home;

    private Standalone plaza;
    private WebDriver admin;
    private WebDriver reader;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(BrowserIT.hasBrowser(), BrowserIT.SKIPPED);
        // "spoiler" holds a comment for review, so the moderation queue has something in it
        plaza = StandaloneIT.startIn(home, Optional.empty(), "comment.sensitive.mode=review",
                "comment.sensitive.words=spoiler");
        admin = BrowserIT.browser();
        reader = BrowserIT.browser();
    }

    @AfterEach
    void stop() {
        for (WebDriver d : new WebDriver[] {admin, reader}) {
            if (d != null) {
                d.quit();
            }
        }
        if (plaza != null) {
            plaza.stop();
        }
    }

    @Test
    void anAdminHidesACommentAndItDisappearsForOthers() {
        String base = "http://127.0.0.1:" + plaza.httpPort();
        HttpTestClient http = HttpTestClient.local(plaza.httpPort());
        String token = http.post("/x/passport/login").param("username", "alice").param("password", BrowserIT.PASSWORD)
                .send().data().path("token").asText();
        long aid = http.get("/x/archive/list").param("pn", 1).param("ps", 1).send().data().path("archives").path(0)
                .path("aid").asLong();
        assertThat(aid).isPositive();
        assertThat(http.post("/x/v2/reply/add").bearer(token).param("type", 1).param("oid", aid)
                .param("message", TEXT).send().code()).isZero();

        // a reader sees it once the comment job has applied it
        By comment = By.xpath("//p[contains(@class,'comment-text') and text()='" + TEXT + "']");
        BrowserIT.waitFor(reader).pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.get(base + "/video/" + aid);
            return BrowserIT.appears(d, comment, Duration.ofSeconds(3));
        });

        // the admin finds it in search (the index trails the tables by about a second) and hides it
        BrowserIT.logIn(admin, base, "admin");
        admin.get(base + "/admin");
        WebDriverWait wait = BrowserIT.waitFor(admin);
        By row = By.xpath("//tr[contains(@class,'admin-row') and .//*[contains(text(),'" + TEXT + "')]]");
        wait.pollingEvery(Duration.ofSeconds(1)).until(d -> {
            WebElement keyword = d.findElement(By.id("admin-keyword"));
            keyword.clear();
            keyword.sendKeys(TEXT);
            d.findElement(By.cssSelector("form.admin-search button[type=submit]")).click();
            return BrowserIT.appears(d, row, Duration.ofSeconds(2));
        });
        admin.findElement(row).findElement(By.cssSelector(".admin-hide")).click();
        wait.until(d -> "1".equals(d.findElement(row).getAttribute("data-state")));

        // and it is gone for the reader: the video's list, once loaded, is empty (it was the only comment)
        BrowserIT.waitFor(reader).pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.get(base + "/video/" + aid);
            new WebDriverWait(d, Duration.ofSeconds(5)).until(ExpectedConditions.or(
                    ExpectedConditions.presenceOfElementLocated(comment),
                    ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".comment-list"),
                            "No comments yet")));
            return d.findElements(comment).isEmpty();
        });

        // a comment held for review waits in the queue
        assertThat(http.post("/x/v2/reply/add").bearer(token).param("type", 1).param("oid", aid)
                .param("message", HELD).send().data().path("pending_review").asBoolean()).isTrue();
        By queued = By.xpath("//table[@id='admin-queue']//tr[contains(@class,'admin-row') and .//*[text()='"
                + HELD + "']]");
        wait.pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.findElement(By.xpath("//button[text()='Reload']")).click();
            return BrowserIT.appears(d, queued, Duration.ofSeconds(2));
        });

        // the console, pictured once the dashboard has two readings, then checked like every page: no sideways
        // scrolling at 360 px, every control reachable by keyboard
        wait.until(d -> !"…".equals(d.findElement(By.id("dash-rps")).getText()));
        PageChecks.screenshots(admin, "admin");
        PageChecks.assertFitsWidth(admin, "admin", PageChecks.NARROWEST);
        PageChecks.assertKeyboardReachesEverything(admin, "admin");

        // approved, it shows for readers
        admin.findElement(queued).findElement(By.cssSelector(".admin-approve")).click();
        wait.until(d -> "0".equals(d.findElement(queued).getAttribute("data-state")));
        By heldComment = By.xpath("//p[contains(@class,'comment-text') and text()='" + HELD + "']");
        BrowserIT.waitFor(reader).pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.get(base + "/video/" + aid);
            return BrowserIT.appears(d, heldComment, Duration.ofSeconds(3));
        });
        assertThat(reader.findElements(comment)).as("the hidden comment stays hidden").isEmpty();
    }
}
