package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * Checks every page of the web front end must pass in a real browser: it fits a phone's width without horizontal
 * scrolling, every control can be reached with the Tab key and shows where the focus is; and screenshots of the
 * pages at desktop and phone width (written to {@code target/web-screenshots}; {@code docs/img/web} holds a copy).
 */
final class PageChecks {
    static final int DESKTOP = 1280;
    static final int PHONE = 390;
    static final int NARROWEST = 360;
    private static final int HEIGHT = 1000;
    private static final Path SCREENSHOTS = Path.of("target", "web-screenshots");

    private PageChecks() {
    }

    /** Asserts that at {@code width} CSS pixels the page has nothing wider than the window. */
    static void assertFitsWidth(WebDriver driver, String page, int width) {
        resize(driver, width, HEIGHT);
        Object overflow = js(driver).executeScript("""
                const doc = document.documentElement;
                if (doc.scrollWidth <= doc.clientWidth) return null;
                // name the widest element, to say what overflows
                let worst = null;
                for (const el of document.body.querySelectorAll('*')) {
                  const r = el.getBoundingClientRect();
                  if (r.right > doc.clientWidth + 0.5 && (!worst || r.right > worst.r)) worst = { el, r: r.right };
                }
                return doc.scrollWidth + ' > ' + doc.clientWidth + (worst ? ': ' + worst.el.tagName.toLowerCase()
                  + '.' + worst.el.className + ' ends at ' + Math.round(worst.r) : '');
                """);
        assertThat(overflow).as("%s scrolls sideways at %d px", page, width).isNull();
        resize(driver, DESKTOP, HEIGHT);
    }

    /**
     * Presses Tab through the page and asserts that every visible, enabled control (link, button, field) gets the
     * focus, and that a focused control is drawn with an outline.
     */
    static void assertKeyboardReachesEverything(WebDriver driver, String page) {
        Number count = (Number) js(driver).executeScript("""
                const controls = [...document.querySelectorAll(
                    'a[href], button, input, textarea, select, [tabindex]:not([tabindex="-1"])')]
                  .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
                    && getComputedStyle(el).visibility !== 'hidden');
                controls.forEach((el, i) => el.setAttribute('data-kb', String(i)));
                document.activeElement && document.activeElement.blur();
                window.scrollTo(0, 0);
                return controls.length;
                """);
        int controls = count.intValue();
        assertThat(controls).as("%s has controls", page).isPositive();
        Set<String> reached = new LinkedHashSet<>();
        List<String> unfocusedLook = new ArrayList<>();
        Actions keys = new Actions(driver);
        // twice the presses it should take: focus may pass through controls a live part of the page added since
        for (int i = 0; i < 2 * controls + 10 && reached.size() < controls; i++) {
            keys.sendKeys(Keys.TAB).perform();
            @SuppressWarnings("unchecked")
            List<Object> focused = (List<Object>) js(driver).executeScript("""
                    const el = document.activeElement;
                    if (!el || !el.hasAttribute('data-kb')) return null;
                    const s = getComputedStyle(el);
                    return [el.getAttribute('data-kb'), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                      el.tagName.toLowerCase() + ' ' + (el.textContent || el.id || '').trim().slice(0, 30)];
                    """);
            if (focused != null) {
                reached.add((String) focused.get(0));
                if (!Boolean.TRUE.equals(focused.get(1))) {
                    unfocusedLook.add((String) focused.get(2));
                }
            }
        }
        @SuppressWarnings("unchecked")
        List<Object> missed = (List<Object>) js(driver).executeScript("""
                return [...document.querySelectorAll('[data-kb]')].filter((el) => !arguments[0].includes(
                  el.getAttribute('data-kb'))).map((el) => el.tagName.toLowerCase() + ' '
                  + (el.textContent || el.id || el.getAttribute('aria-label') || '').trim().slice(0, 30));
                """, new ArrayList<>(reached));
        assertThat(missed).as("%s: controls Tab never reaches", page).isEmpty();
        assertThat(unfocusedLook).as("%s: focused controls drawn without an outline", page).isEmpty();
    }

    /** Saves the page at desktop and phone width as {@code name.png} and {@code name-phone.png}. */
    static void screenshots(WebDriver driver, String name) {
        screenshot(driver, name, DESKTOP);
        screenshot(driver, name + "-phone", PHONE);
        resize(driver, DESKTOP, HEIGHT);
    }

    private static void screenshot(WebDriver driver, String file, int width) {
        resize(driver, width, HEIGHT);
        long height = ((Number) js(driver).executeScript(
                "return Math.min(2400, document.documentElement.scrollHeight);")).longValue();
        resize(driver, width, (int) Math.max(600, height));
        js(driver).executeScript("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();");
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(file + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the page's viewport (not the window's outer size) to {@code width} x {@code height}. */
    private static void resize(WebDriver driver, int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        List<?> inner = (List<?>) js(driver).executeScript("return [window.innerWidth, window.innerHeight];");
        int dx = width - ((Number) inner.get(0)).intValue();
        int dy = height - ((Number) inner.get(1)).intValue();
        if (dx != 0 || dy != 0) {
            driver.manage().window().setSize(new Dimension(width + dx, height + dy));
        }
    }

    private static JavascriptExecutor js(WebDriver driver) {
        return (JavascriptExecutor) driver;
    }
}
