namespace Fdt.Api.Security;

/// <summary>Files that hold secrets (keys, tokens): readable and writable by the server's user only.</summary>
public static class SecretFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically: a temporary file
    /// created with mode 0600 from the start (never briefly readable by others), then renamed.
    /// </summary>
    public static void Write(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(temporary);
        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
