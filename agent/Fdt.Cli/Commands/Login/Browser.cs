using System.ComponentModel;
using System.Diagnostics;
using Fdt.Cli.Configuration;

namespace Fdt.Cli.Commands.Login;

/// <summary>Opens the device login page in the user's browser, where there is one.</summary>
internal static class Browser
{
    /// <summary>
    /// Whether a browser can be shown: on Windows and macOS always; elsewhere only in a graphical
    /// session (<c>DISPLAY</c> or <c>WAYLAND_DISPLAY</c> is set), not over SSH or in a container.
    /// </summary>
    public static bool IsAvailable(ICliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return OperatingSystem.IsWindows()
            || OperatingSystem.IsMacOS()
            || environment.GetNonEmpty("DISPLAY") is not null
            || environment.GetNonEmpty("WAYLAND_DISPLAY") is not null;
    }

    /// <summary>Asks the system to open <paramref name="url"/> (http or https only); false when it could not.</summary>
    public static bool TryOpen(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var info = OperatingSystem.IsWindows() ? new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true }
            : OperatingSystem.IsMacOS() ? new ProcessStartInfo("open") { ArgumentList = { url.AbsoluteUri } }
            : new ProcessStartInfo("xdg-open") { ArgumentList = { url.AbsoluteUri } };
        try
        {
            using var process = Process.Start(info);
            return process is not null;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
