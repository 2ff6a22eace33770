package dev.berth.extender.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Reads the repository's YAML files (tests run in the module directory, the files sit one level up). */
final class Manifests {
    private Manifests() {}

    static Path repoFile(String relative) {
        Path p = Path.of("..").resolve(relative).normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing " + p.toAbsolutePath());
        }
        return p;
    }

    static String read(String relative) {
        try {
            return Files.readString(repoFile(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a file, as nested maps and lists; duplicate keys are an error. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml(options).loadAll(text)) {
            if (doc != null) {
                out.add((Map<String, Object>) doc);
            }
        }
        return out;
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    static Map<String, Object> one(List<Map<String, Object>> docs, String kind, String name) {
        List<Map<String, Object>> found = ofKind(docs, kind).stream()
                .filter(d -> name.equals(map(d, "metadata").get("name")))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    /** Follows a path of map keys and list indexes, e.g. {@code at(d, "spec", "template", "spec")}. */
    @SuppressWarnings("unchecked")
    static <T> T at(Object root, Object... path) {
        Object cur = root;
        for (Object step : path) {
            if (step instanceof Integer i) {
                cur = ((List<Object>) cur).get(i);
            } else {
                cur = ((Map<String, Object>) cur).get(step);
            }
        }
        return (T) cur;
    }
}
