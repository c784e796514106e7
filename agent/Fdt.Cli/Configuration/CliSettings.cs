namespace Fdt.Cli.Configuration;

/// <summary>The settings a tunnel runs with, after flags, environment, config file and defaults are combined.</summary>
internal sealed record CliSettings(Uri Server, string Authtoken);
