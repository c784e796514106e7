using System.Security.Cryptography;
using Fdt.Testing;

namespace Fdt.Protocol.IntegrationTests;

/// <summary>
/// Builds the reference-yamux test peer (GoPeer/main.go) once per source version, with Debian's
/// golang-go and golang-github-hashicorp-yamux-dev, fully offline. A missing toolchain is a loud
/// failure that names the install step, never a skip.
/// </summary>
public sealed class GoYamuxPeer
{
    private const string YamuxSource = "/usr/share/gocode/src/github.com/hashicorp/yamux";
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static string? _binary;

    public static async Task<string> GetBinaryAsync(CancellationToken cancellationToken)
    {
        await BuildLock.WaitAsync(cancellationToken);
        try
        {
            if (_binary is not null)
            {
                return _binary;
            }

            if (!Directory.Exists(YamuxSource))
            {
                throw new InvalidOperationException($"The reference yamux source is missing at {YamuxSource}: run scripts/install-test-deps.sh (apt-get install golang-go golang-github-hashicorp-yamux-dev).");
            }

            var source = Path.Combine(AppContext.BaseDirectory, "GoPeer", "main.go");
            var hash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(source, cancellationToken)))[..16];
            var directory = Path.Combine(Path.GetTempPath(), "fdt-test-tools");
            Directory.CreateDirectory(directory);
            var binary = Path.Combine(directory, $"yamuxpeer-{hash}");
            if (!File.Exists(binary))
            {
                var environment = new Dictionary<string, string?>
                {
                    ["GOPATH"] = "/usr/share/gocode",
                    ["GO111MODULE"] = "off",
                    ["GOFLAGS"] = null,
                    ["GOCACHE"] = Path.Combine(directory, "gocache"),
                };
                var go = File.Exists("/usr/bin/go") ? "/usr/bin/go" : "go";
                await using var build = TestProcess.Start(go, ["build", "-o", binary + ".tmp", source], environment);
                var exit = await build.WaitForExitAsync(TimeSpan.FromMinutes(5), cancellationToken);
                if (exit != 0)
                {
                    throw new InvalidOperationException($"Building the yamux test peer failed ({exit}).\n{build.Output}");
                }

                File.Move(binary + ".tmp", binary, overwrite: true);
            }

            return _binary = binary;
        }
        finally
        {
            BuildLock.Release();
        }
    }
}
