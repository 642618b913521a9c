using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Hosting;
using MusicCluster.Hosting.Admin;

namespace MusicCluster.Client.Pages;

public sealed class LoginModel(AdminCredentials credentials, LoginThrottle throttle, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty] public string? Password { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var address = HttpContext.Connection.RemoteIpAddress;
        // The try is counted before the password is checked, so parallel guesses cannot overtake the limit.
        if (throttle.TryBeginAttempt(address) is { } wait)
        {
            int seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Error = $"Too many wrong passwords from your address: try again in {seconds} s.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }
        bool verified;
        try
        {
            verified = await credentials.VerifyAsync(Password);
        }
        catch (AdminCredentialsUnavailableException e)
        {
            // A web host joined to remote silos, which keep the generated password, while they are down: neither right nor wrong.
            logger.LogWarning("Sign-in from {Address} not checked: {Problem}", address, e.Message);
            Error = AdminCredentialsUnavailableException.UserMessage;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = AdminCredentialsUnavailableException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }
        if (!verified)
        {
            Error = "That is not the admin password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        throttle.RecordSuccess(address);
        await HttpContext.SignInAsync(AuthHosting.AdminPrincipal());
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
