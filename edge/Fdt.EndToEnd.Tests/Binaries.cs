using System.Reflection;

namespace Fdt.EndToEnd.Tests;

/// <summary>Where the built binaries are: each project's own output folder, in this test's build configuration.</summary>
internal static class Binaries
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Configuration { get; } = typeof(Binaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;

    /// <summary>The repository's root folder (where Platform.sln is).</summary>
    public static string RepositoryRoot => Root.Value;

    public static string Server => Existing(Path.Combine(Root.Value, "services", "Fdt.Server", "bin", Configuration, "net10.0", "fdt-server.dll"));

    public static string Agent => Existing(Path.Combine(Root.Value, "agent", "Fdt.Cli", "bin", Configuration, "net10.0", "fdt.dll"));

    private static string Existing(string path)
        => File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution in {Configuration} first.");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
