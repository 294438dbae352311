package io.github.rediskube.core.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The public API's Javadoc is complete: core's sources pass doclint {@code all} (the build's javadoc jar runs
 * {@code all,-missing}, because other modules are not there yet), so a new public member without its
 * {@code @param}, {@code @return} or comment fails here.
 */
class JavadocTest {

    @Test
    void coreJavadocHasNoWarningsUnderDoclintAll() throws IOException {
        Path out = Files.createDirectories(Path.of("target", "doclint-test"));
        // surefire runs the tests from a manifest-only jar; it names the real class path in this property
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        boolean ok = javadoc.getTask(log, null, diagnostics, null, List.of("-quiet", "-Xdoclint:all",
                "-Xmaxwarns", "10000", "-d", out.toString(), "-cp", classPath,
                "-sourcepath", Path.of("src", "main", "java").toString(), "-subpackages", "io.github.rediskube.core"),
                null).call();
        List<String> problems = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.WARNING || d.getKind() == Diagnostic.Kind.ERROR
                        || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
                .map(d -> (d.getSource() == null ? "" : new File(d.getSource().getName()).getName() + ":"
                        + d.getLineNumber() + ": ") + d.getMessage(Locale.ROOT))
                .toList();
        assertThat(problems).as("doclint all on redis-kube-core's sources").isEmpty();
        assertThat(ok).as("javadoc succeeded: %s", log).isTrue();
    }
}
