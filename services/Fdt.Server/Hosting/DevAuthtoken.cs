using System.Security.Cryptography;

namespace Fdt.Server.Hosting;

/// <summary>
/// The development authtoken of a single-user installation: taken from the command line or
/// environment when given, otherwise created on first start and kept in the data directory
/// (readable by the owner only).
/// </summary>
internal static class DevAuthtoken
{
    public const string FileName = "dev-authtoken";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Returns the token and whether it was created now.</summary>
    public static (string Token, bool Created) LoadOrCreate(string dataDirectory, string? explicitToken)
    {
        if (!string.IsNullOrWhiteSpace(explicitToken))
        {
            return (explicitToken.Trim(), false);
        }

        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                return (existing, false);
            }
        }

        Directory.CreateDirectory(dataDirectory);
        var token = "fdt_dev_" + RandomNumberGenerator.GetString(Alphabet, 32);
        Fdt.Api.Security.SecretFile.Write(path, token + "\n");
        return (token, true);
    }
}
