package dev.berth.extender.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A runnable jar ({@code java -jar}) in a child JVM, its stdout and stderr collected line by line
 * as they come. For tests of what the shipped jar does: its logging configuration, its help.
 * {@link #close()} kills the child if a test left it running.
 */
public final class JarProcess implements AutoCloseable {
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private JarProcess(Process process) {
        this.process = process;
        this.outReader = reader(process.getInputStream(), out, "jar-stdout");
        this.errReader = reader(process.getErrorStream(), err, "jar-stderr");
    }

    /** Starts {@code java -jar jar args...} with extra environment variables. */
    public static JarProcess start(Path jar, Map<String, String> env, String... args) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run this test after `package` (mvn verify does)");
        }
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: these children only log and answer a request or two.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().putAll(env);
        return new JarProcess(b.start());
    }

    /** Runs to completion (a help text, a usage error) and returns the exit code. */
    public static JarProcess run(Path jar, String... args) throws IOException, InterruptedException {
        JarProcess p = start(jar, Map.of(), args);
        p.waitFor(60);
        return p;
    }

    /** Lines written to stdout so far (all of them once the process has ended). */
    public List<String> out() {
        return List.copyOf(out);
    }

    /** Lines written to stderr so far (all of them once the process has ended). */
    public List<String> err() {
        return List.copyOf(err);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** SIGTERM, as Kubernetes stops a pod, then waits for the exit and the last lines. */
    public int stop() throws InterruptedException {
        process.destroy();
        return waitFor(30);
    }

    private int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit within " + seconds + " s; stderr: " + err);
        }
        outReader.join(5_000);
        errReader.join(5_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static Thread reader(InputStream in, List<String> into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
