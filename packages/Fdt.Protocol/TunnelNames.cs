using System.Security.Cryptography;

namespace Fdt.Protocol;

/// <summary>The rules for tunnel names (subdomain labels), shared by the edge and the API.</summary>
public static class TunnelNames
{
    /// <summary>Shortest name a user may ask for by default.</summary>
    public const int DefaultMinLength = 3;

    /// <summary>Names nobody may take by default (infrastructure and lookalike names).</summary>
    public static IReadOnlyList<string> DefaultReservedWords { get; } = ["www", "api", "admin", "app", "console", "dashboard", "edge", "fdt", "mail", "smtp", "status", "static", "assets", "docs", "metrics", "login", "auth"];

    // Lowercase letters and digits without the look-alikes i, l, o, 0 and 1.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    private const string Letters = "abcdefghjkmnpqrstuvwxyz";

    /// <summary>Length of generated names.</summary>
    public const int RandomNameLength = 8;

    /// <summary>
    /// Checks a requested name: a DNS label (letters, digits and inner hyphens, at most 63),
    /// lowercase after normalisation, at least <paramref name="minLength"/> long, not reserved.
    /// </summary>
    public static bool TryNormalize(string? requested, int minLength, IReadOnlyList<string> reserved, out string name, out string error)
    {
        name = string.Empty;
        if (string.IsNullOrEmpty(requested))
        {
            error = "The name is empty.";
            return false;
        }

        var lower = requested.ToLowerInvariant();
        if (lower.Length > 63)
        {
            error = "The name is longer than 63 characters.";
            return false;
        }

        if (lower.Length < minLength)
        {
            error = $"The name is shorter than {minLength} characters.";
            return false;
        }

        foreach (var c in lower)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                error = $"The name may contain only letters, digits and hyphens ('{c}' is not allowed).";
                return false;
            }
        }

        if (lower[0] == '-' || lower[^1] == '-')
        {
            error = "The name may not start or end with a hyphen.";
            return false;
        }

        if (lower.Length >= 4 && lower[2] == '-' && lower[3] == '-')
        {
            error = "Names with '--' in the third and fourth place are reserved for internationalised domain names.";
            return false;
        }

        foreach (var word in reserved)
        {
            if (string.Equals(word, lower, StringComparison.Ordinal))
            {
                error = $"The name '{lower}' is reserved.";
                return false;
            }
        }

        name = lower;
        error = string.Empty;
        return true;
    }

    /// <summary>A random, short, lowercase and unambiguous name that starts with a letter.</summary>
    public static string Generate()
    {
        Span<char> chars = stackalloc char[RandomNameLength];
        chars[0] = Letters[RandomNumberGenerator.GetInt32(Letters.Length)];
        for (var i = 1; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>Prefix of TCP tunnels' names: a TCP tunnel on public port 20001 is named "tcp-20001".</summary>
    public const string TcpPrefix = "tcp-";

    /// <summary>The name of the TCP tunnel on <paramref name="port"/>.</summary>
    public static string ForTcpPort(int port) => TcpPrefix + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads the port out of a TCP tunnel's name ("tcp-20001").</summary>
    public static bool TryParseTcpPort(string? name, out int port)
    {
        port = 0;
        return name is not null
            && name.StartsWith(TcpPrefix, StringComparison.Ordinal)
            && name.Length <= TcpPrefix.Length + 5
            && int.TryParse(name.AsSpan(TcpPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }
}
