using System.Buffers;
using System.Text.Json;

namespace Fdt.Cli.Configuration;

/// <summary>
/// Reads and writes the config file: <c>$FDT_CONFIG</c> when set, else
/// <c>&lt;ApplicationData&gt;/fdt/config.json</c> (<c>$XDG_CONFIG_HOME/fdt/config.json</c> or
/// <c>~/.config/fdt/config.json</c> on Linux). Writes are atomic (temporary file, then rename) and,
/// on Unix, the file is readable by its owner only (0600) because it holds the authtoken.
/// Properties fdt does not know are kept as they are.
/// </summary>
internal sealed class CliConfigStore
{
    private const string ServerProperty = "server";
    private const string AuthtokenProperty = "authtoken";
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public CliConfigStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The config file's full path.</summary>
    public string Path { get; }

    public static CliConfigStore ForEnvironment(ICliEnvironment environment) => new(ResolvePath(environment));

    /// <summary>Where the config file is for this environment.</summary>
    public static string ResolvePath(ICliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.GetNonEmpty(EnvironmentVariables.ConfigPath) is { } explicitPath)
        {
            return System.IO.Path.GetFullPath(explicitPath);
        }

        var appData = environment.ApplicationDataDirectory;
        if (string.IsNullOrEmpty(appData))
        {
            throw new UsageException(
                "Cannot find a folder for the config file (no home folder).",
                $"Set {EnvironmentVariables.ConfigPath} to the config file's path.");
        }

        return System.IO.Path.Combine(appData, "fdt", "config.json");
    }

    /// <summary>The file's settings; an empty config when the file does not exist.</summary>
    /// <exception cref="UsageException">The file cannot be read or is not a valid config.</exception>
    public CliConfig Load()
    {
        using var document = ReadDocument();
        if (document is null)
        {
            return CliConfig.Empty;
        }

        return new CliConfig
        {
            Server = ReadString(document.RootElement, ServerProperty),
            Authtoken = ReadString(document.RootElement, AuthtokenProperty),
        };
    }

    /// <summary>Replaces the file's settings with <paramref name="config"/>, keeping properties fdt does not know.</summary>
    /// <exception cref="UsageException">The existing file is not a valid config.</exception>
    public void Save(CliConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        byte[] content;
        using (var existing = ReadDocument())
        {
            content = Serialize(config, existing?.RootElement);
        }

        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode);
            }
        }

        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private JsonDocument? ReadDocument()
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(Path))
            {
                return null;
            }

            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"cannot be read: {ex.Message}");
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw Invalid($"is not valid JSON: {ex.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Invalid("is not a JSON object.");
        }

        return document;
    }

    private string? ReadString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid($"has a \"{name}\" that is not a string.");
    }

    private static byte[] Serialize(CliConfig config, JsonElement? existing)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            if (config.Server is not null)
            {
                writer.WriteString(ServerProperty, config.Server);
            }

            if (config.Authtoken is not null)
            {
                writer.WriteString(AuthtokenProperty, config.Authtoken);
            }

            if (existing is { } root)
            {
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Name is not (ServerProperty or AuthtokenProperty))
                    {
                        property.WriteTo(writer);
                    }
                }
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private UsageException Invalid(string problem) => new(
        $"The config file {Path} {problem}",
        $"Fix or delete it, then run `fdt config add-authtoken <token>` again (or set {EnvironmentVariables.ConfigPath} to use another file).");
}
