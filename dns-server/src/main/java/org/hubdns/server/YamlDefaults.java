package org.hubdns.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a YAML map whose keys are the long option names without dashes
 * ({@code dns-port: 5300}). The file supplies defaults, so flags on the command line win. A key that
 * names no option is an error, as an unknown flag would be.
 */
final class YamlDefaults implements CommandLine.IDefaultValueProvider {
    static final class ConfigException extends Exception {
        ConfigException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values;

    private YamlDefaults(Map<String, String> values) {
        this.values = values;
    }

    static void install(CommandLine serve, String[] args) throws ConfigException {
        Path file = configArgument(args);
        if (file == null) {
            return;
        }
        Map<String, String> values = read(file);
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : serve.getCommandSpec().options()) {
            known.add(o.longestName().replaceFirst("^--", ""));
        }
        known.remove("config");
        known.remove("help");
        known.remove("version");
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(file + ": unknown key '" + key + "'; the keys are the long option names "
                        + "without dashes: " + String.join(", ", known));
            }
        }
        serve.setDefaultValueProvider(new YamlDefaults(values));
    }

    private static Path configArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    private static Map<String, String> read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(file + ": no such config file; check the --config path");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file (" + e + ")");
        }
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new ConfigException(file + where + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException(file + ": the config must be a YAML map of option: value");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            String s;
            if (v instanceof List<?> list) {
                s = list.stream().map(String::valueOf).collect(Collectors.joining(","));
            } else if (v instanceof Map<?, ?>) {
                throw new ConfigException(file + ": '" + e.getKey() + "' must be a value or a list, not a map");
            } else {
                s = v == null ? null : String.valueOf(v);
            }
            if (s != null) {
                values.put(String.valueOf(e.getKey()), s);
            }
        }
        return values;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return values.get(o.longestName().replaceFirst("^--", ""));
        }
        return null;
    }
}
