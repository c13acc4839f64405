package dev.kvstore.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts {@link ChildJvm}s for a test and kills every one of them after
 * it, whether the test passed or not.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ChildJvms jvms = new ChildJvms();
 *
 * @Test
 * void holderDies() {
 *     ChildJvm holder = jvms.start(LockHolder.class, address);
 *     ...
 * }
 * }</pre>
 *
 * <p>Registered on an instance field, the children die after each test; on a static field, after
 * the class. Thread-safe.
 */
public final class ChildJvms implements AfterEachCallback, AfterAllCallback {

    private final List<ChildJvm> started = new ArrayList<>();

    /** Creates the extension; register it with {@code @RegisterExtension}. */
    public ChildJvms() {}

    /**
     * Starts {@code mainClass} in a child JVM that is killed after the test.
     *
     * @param mainClass a class with a {@code public static void main(String[])}
     * @param args its arguments
     * @return the running child
     */
    public ChildJvm start(Class<?> mainClass, String... args) {
        ChildJvm child = ChildJvm.start(mainClass, args);
        synchronized (started) {
            started.add(child);
        }
        return child;
    }

    /**
     * Kills every child started through this extension (SIGKILL) that still runs.
     *
     * @param context the JUnit context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        killAll();
    }

    /**
     * Kills every child started through this extension that still runs.
     *
     * @param context the JUnit context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        killAll();
    }

    private void killAll() {
        List<ChildJvm> children;
        synchronized (started) {
            children = new ArrayList<>(started);
            started.clear();
        }
        children.forEach(ChildJvm::close);
    }
}
