import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks that the JUnit XML reports of one module count every test that ran, so a CI system that
 * reads them shows the whole conformance kit (run by the build in {@code verify}, with
 * {@code java CheckTestReports.java <module dir>}: the JDK alone runs it).
 *
 * <ul>
 *   <li>In every {@code TEST-*.xml}, the suite's {@code tests}, {@code skipped}, {@code failures}
 *       and {@code errors} equal its {@code <testcase>} elements and their outcomes.
 *   <li>Under {@code failsafe-reports}, the suites' total equals {@code failsafe-summary.xml}'s
 *       {@code completed}: the count Failsafe printed as "Tests run".
 * </ul>
 *
 * Exits with 1 and names every mismatch; prints one line per reports directory otherwise.
 */
public final class CheckTestReports {

    private static final Pattern SUITE = Pattern.compile("<testsuite\\b[^>]*>");
    private static final Pattern CASE = Pattern.compile("<testcase\\b[^>]*?(/>|>(.*?)</testcase>)", Pattern.DOTALL);

    private CheckTestReports() {
    }

    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : ".");
        List<String> problems = new ArrayList<>();
        for (String kind : List.of("surefire-reports", "failsafe-reports")) {
            Path dir = module.resolve("target").resolve(kind);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            int total = 0;
            int files = 0;
            try (Stream<Path> reports = Files.list(dir)) {
                for (Path xml : reports.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                    files++;
                    total += check(xml, problems);
                }
            }
            Path summary = dir.resolve("failsafe-summary.xml");
            if (Files.exists(summary)) {
                int completed = intElement(Files.readString(summary), "completed");
                if (completed != total) {
                    problems.add(summary + ": Failsafe ran " + completed + " tests but the XML reports count " + total);
                }
            }
            System.out.println("check-test-reports: " + module.toAbsolutePath().normalize().getFileName() + "/" + kind
                    + ": " + total + " tests in " + files + " reports");
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("check-test-reports: " + p));
            System.exit(1);
        }
    }

    /** Checks one report; returns the number of test cases in it. */
    private static int check(Path xml, List<String> problems) throws IOException {
        String text = Files.readString(xml);
        Matcher suite = SUITE.matcher(text);
        if (!suite.find()) {
            problems.add(xml + ": no <testsuite>");
            return 0;
        }
        String head = suite.group();
        int cases = 0;
        int skipped = 0;
        int failures = 0;
        int errors = 0;
        Matcher m = CASE.matcher(text);
        while (m.find()) {
            cases++;
            String body = m.group(2) == null ? "" : m.group(2);
            if (body.contains("<skipped")) {
                skipped++;
            } else if (body.contains("<failure") || body.contains("<rerunFailure")) {
                failures++;
            } else if (body.contains("<error") || body.contains("<rerunError")) {
                errors++;
            }
        }
        compare(xml, "tests", attribute(head, "tests"), cases, problems);
        compare(xml, "skipped", attribute(head, "skipped"), skipped, problems);
        compare(xml, "failures", attribute(head, "failures"), failures, problems);
        compare(xml, "errors", attribute(head, "errors"), errors, problems);
        return cases;
    }

    private static void compare(Path xml, String what, int declared, int counted, List<String> problems) {
        if (declared != counted) {
            problems.add(xml.getFileName() + ": " + what + "=\"" + declared + "\" but it holds " + counted);
        }
    }

    private static int attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "=\"(\\d+)\"").matcher(tag);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int intElement(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">(\\d+)</" + name + ">").matcher(xml);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
