using System.CommandLine;
using System.Globalization;

namespace Fdt.Server.Hosting;

/// <summary>The command line of <c>fdt-server</c>.</summary>
internal static partial class ServerCommand
{
    public static readonly Option<string> Roles = new("--roles")
    {
        Description = "Roles this process runs, comma-separated: edge, api, workers, console, or all (the default).",
        DefaultValueFactory = _ => "all",
    };

    public static readonly Option<string> DataDirectory = new("--data-dir")
    {
        Description = "Where state is kept: the SQLite database, keys, name leases.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FDT_DATA_DIR") ?? ServerSettings.DefaultDataDirectory(),
    };

    public static readonly Option<int> HttpPort = new("--http-port")
    {
        Description = "HTTP port for agents and tunnel visitors (0 picks a free port).",
        DefaultValueFactory = _ => 8080,
    };

    public static readonly Option<string> Listen = new("--listen")
    {
        Description = "Address to listen on: localhost (loopback only), * (every interface) or an IP address.",
        DefaultValueFactory = _ => "localhost",
    };

    public static readonly Option<string> BaseDomain = new("--base-domain")
    {
        Description = "Tunnels are served at NAME.<base-domain>; the default 'localhost' works in browsers and curl without DNS.",
        DefaultValueFactory = _ => "localhost",
    };

    public static readonly Option<int?> PublicPort = new("--public-port")
    {
        Description = "Port shown in tunnel URLs when visitors reach the server through another port (e.g. 80 behind a proxy).",
    };

    public static readonly Option<string> HttpsPort = new("--https-port")
    {
        Description = "HTTPS port for tunnel visitors, with certificates from the server's development CA (fdt-server ca export); 0 picks a free port, 'none' turns HTTPS off.",
        DefaultValueFactory = _ => "8443",
    };

    public static readonly Option<string> TcpPorts = new("--tcp-ports")
    {
        Description = "Public ports for TCP tunnels (fdt tcp), FIRST-LAST; 'none' turns TCP tunnels off. They listen on the --listen address.",
        DefaultValueFactory = _ => "20000-20999",
    };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "Log output: text (readable lines) or json (one JSON object per line, for log collectors) [default: text].",
        HelpName = "text|json",
        DefaultValueFactory = _ => "text",
    };

    public static readonly Option<int?> MetricsPort = new("--metrics-port")
    {
        Description = "Serve Prometheus metrics (/metrics, with /healthz and /readyz) only on this internal port; 0 picks a free one. Default: /metrics on the HTTP port.",
    };

    public static readonly Option<string?> DevAuthtokenOption = new("--dev-authtoken")
    {
        Description = "Edge without the api role only: the authtoken agents must present (default: $FDT_DEV_AUTHTOKEN, else one created in the data directory).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FDT_DEV_AUTHTOKEN"),
    };

    public static RootCommand Create(Func<ServerSettings, string[], CancellationToken, Task<int>> run)
    {
        var root = new RootCommand(
            """
            FDT server: the self-hosted tunnel platform in one process.
            With no options it runs every role on http://localhost:8080 with its state in the user's data directory.
            Any other setting can be given as --Section:Key=value (e.g. --Edge:NameLeaseGracePeriod=00:10:00).
            Exit codes: 0 stopped cleanly, 1 failed, 2 bad arguments.
            """)
        {
            Roles, DataDirectory, HttpPort, HttpsPort, Listen, BaseDomain, PublicPort, TcpPorts, LogFormat, MetricsPort, DevAuthtokenOption,
        };
        LogFormat.AcceptOnlyFromAmong("text", "json");
        root.Add(CreateCaCommand());

        // Other settings may be given as --Section:Key=value (ASP.NET Core's command-line
        // configuration); anything else that is not an option is an error.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (parseResult, cancellationToken) =>
        {
            var unknown = parseResult.UnmatchedTokens.FirstOrDefault(t => !ConfigurationArgument().IsMatch(t));
            if (unknown is not null)
            {
                await Console.Error.WriteLineAsync($"ERROR: unknown argument '{unknown}'. Run fdt-server --help; other settings go as --Section:Key=value.");
                return 2;
            }

            if (!ServerSettings.TryParseRoles(parseResult.GetValue(Roles), out var roles, out var roleError))
            {
                await Console.Error.WriteLineAsync("ERROR: " + roleError);
                return 2;
            }

            var port = parseResult.GetValue(HttpPort);
            if (port is < 0 or > 65535)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ERROR: --http-port {port} is outside 0-65535."));
                return 2;
            }

            var httpsText = parseResult.GetValue(HttpsPort)!.Trim();
            int? httpsPort = null;
            if (!httpsText.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(httpsText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > 65535)
                {
                    await Console.Error.WriteLineAsync($"ERROR: --https-port '{httpsText}' is not a port (0-65535) or none.");
                    return 2;
                }

                httpsPort = parsed;
            }

            var listen = parseResult.GetValue(Listen)!;
            if (!ServerSettings.IsValidListenAddress(listen))
            {
                await Console.Error.WriteLineAsync($"ERROR: --listen '{listen}' is not localhost, * or an IP address.");
                return 2;
            }

            var metricsPort = parseResult.GetValue(MetricsPort);
            if (metricsPort is < 0 or > 65535 || (metricsPort is > 0 && (metricsPort == port || metricsPort == httpsPort)))
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ERROR: --metrics-port {metricsPort} is outside 0-65535 or the port of another listener."));
                return 2;
            }

            if (listen == "localhost" && (port == 0 || httpsPort == 0 || metricsPort == 0))
            {
                await Console.Error.WriteLineAsync("ERROR: a free port (0) needs an IP address, e.g. --listen 127.0.0.1.");
                return 2;
            }

            var tcpPorts = parseResult.GetValue(TcpPorts)!.Trim();
            tcpPorts = tcpPorts.Equals("none", StringComparison.OrdinalIgnoreCase) ? string.Empty : tcpPorts;
            try
            {
                new Fdt.Edge.EdgeOptions { TcpPorts = tcpPorts }.TryGetTcpPortRange(out _, out _);
            }
            catch (InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"ERROR: --tcp-ports '{tcpPorts}' is not a port range such as 20000-20999 (or none).");
                return 2;
            }

            var settings = new ServerSettings
            {
                TcpPorts = tcpPorts,
                HttpsPort = httpsPort,
                MetricsPort = metricsPort,
                Roles = roles,
                DataDirectory = Path.GetFullPath(parseResult.GetValue(DataDirectory)!),
                HttpPort = port,
                ListenAddress = listen,
                BaseDomain = parseResult.GetValue(BaseDomain)!.Trim().TrimEnd('.').ToLowerInvariant(),
                PublicPort = parseResult.GetValue(PublicPort),
                DevAuthtoken = parseResult.GetValue(DevAuthtokenOption),
                JsonLogs = parseResult.GetValue(LogFormat) == "json",
            };
            return await run(settings, parseResult.UnmatchedTokens.ToArray(), cancellationToken);
        });
        return root;
    }

    /// <summary><c>fdt-server ca export</c>: prints (or writes) the development CA's certificate for users to trust.</summary>
    private static Command CreateCaCommand()
    {
        var dataDirectory = new Option<string>("--data-dir")
        {
            Description = "The server's data directory, where the CA lives (created there when missing).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FDT_DATA_DIR") ?? ServerSettings.DefaultDataDirectory(),
        };
        var output = new Option<string?>("--out") { Description = "Write the certificate (PEM) to this file instead of standard output.", HelpName = "FILE" };
        var export = new Command("export", "Print the development CA's certificate (PEM), to add to a trust store or pass to curl --cacert.") { dataDirectory, output };
        export.SetAction(parseResult =>
        {
            using var ca = Certificates.DevelopmentCa.LoadOrCreate(Path.GetFullPath(parseResult.GetValue(dataDirectory)!), "localhost");
            var pem = ca.ExportPem() + "\n";
            if (parseResult.GetValue(output) is { } path)
            {
                File.WriteAllText(path, pem);
            }
            else
            {
                Console.Out.Write(pem);
            }

            return 0;
        });
        return new Command("ca", "The development certificate authority of the HTTPS listener.") { export };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^--[A-Za-z][A-Za-z0-9_.:-]*=")]
    private static partial System.Text.RegularExpressions.Regex ConfigurationArgument();
}
