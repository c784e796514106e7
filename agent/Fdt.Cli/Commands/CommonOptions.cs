using System.CommandLine;
using Fdt.Agent;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands;

/// <summary>The options several commands share, so that they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Server() => new("--server")
    {
        Description = "The FDT server's URL [default: $FDT_SERVER, the config file, or http://localhost:8080].",
        HelpName = "URL",
    };

    public static Option<string> Authtoken() => new("--authtoken")
    {
        Description = "The authtoken [default: $FDT_AUTHTOKEN, or the config file's (fdt login, fdt config add-authtoken)].",
        HelpName = "TOKEN",
    };

    public static Option<bool> Insecure() => new("--insecure")
    {
        Description = "Accept any TLS certificate from the server (self-signed development servers only).",
    };

    public static Option<string[]> CidrAllow() => new("--cidr-allow")
    {
        Description = "Admit only visitors from these addresses (CIDR such as 203.0.113.0/24 or 2001:db8::/32; repeat or separate with commas).",
        HelpName = "CIDR",
    };

    public static Option<string[]> CidrDeny() => new("--cidr-deny")
    {
        Description = "Refuse visitors from these addresses (CIDR; repeat or separate with commas); checked before --cidr-allow.",
        HelpName = "CIDR",
    };

    /// <summary>Comma-separated or repeated values as one list; null when none was given.</summary>
    public static string[]? List(string[]? values)
        => values is null or { Length: 0 } ? null : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>The policy, or null when it holds no rule.</summary>
    public static TunnelPolicyRequest? NullIfEmpty(TunnelPolicyRequest policy)
        => policy.HasHttpRules || policy.CidrAllow is not null || policy.CidrDeny is not null || policy.Inspect is not null ? policy : null;

    /// <summary>Parses a duration: "30s", "2m", "1h", "500ms", or a number of seconds.</summary>
    public static double? ParseSeconds(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (double.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value * scale;
        }

        result.AddError($"'{text}' is not a duration: use e.g. 30s, 2m, 500ms.");
        return null;
    }

    /// <summary>Parses a size: a number of bytes, or one with a unit: 512KiB, 1MiB, 1GiB (K, M, G are the same; KB, MB, GB are powers of 1000).</summary>
    public static long? ParseBytes(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        long scale = text[digits..].ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KIB" => 1024,
            "KB" => 1000,
            "M" or "MIB" => 1024 * 1024,
            "MB" => 1000 * 1000,
            "G" or "GIB" => 1024 * 1024 * 1024,
            "GB" => 1000 * 1000 * 1000,
            _ => 0,
        };
        if (digits > 0 && scale > 0 && long.TryParse(text.AsSpan(0, digits), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value <= long.MaxValue / scale)
        {
            return value * scale;
        }

        result.AddError($"'{text}' is not a size: use e.g. 1048576, 512KiB, 1MiB.");
        return null;
    }

    /// <summary>--log of the tunnel commands; valid values are checked by the command.</summary>
    public static Option<string> Log() => new("--log")
    {
        Description = "Output: tui (live view), text (a line per event), json (a JSON object per line) or none [default: tui on a terminal, else text].",
        HelpName = "tui|text|json|none",
    };

    public static Option<AgentTransport> Transport() => new("--transport")
    {
        Description = "How to reach the server: auto (an HTTP upgrade, falling back to WebSocket), upgrade or websocket [default: auto].",
        HelpName = "auto|upgrade|websocket",
        DefaultValueFactory = static _ => AgentTransport.Auto,
    };
}
