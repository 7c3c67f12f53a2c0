<#import "template.ftl" as layout>
<#-- Step 2: the new app password, shown this once. A reload or the back button renders this page without
     it (the server no longer has the value). -->
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("appPasswordCreatedTitle")}
    <#elseif section = "form">
        <#if appPassword??>
            <p id="app-password-created-intro">${msg("appPasswordCreatedIntro", appPasswordName)}</p>
            <div class="${properties.kcFormGroupClass!}">
                <code id="app-password-value" style="font-size:1.4em;letter-spacing:0.05em;user-select:all">${appPassword}</code>
                <button type="button" id="app-password-copy" class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!}"
                        data-copied="${msg("appPasswordCopied")}">${msg("appPasswordCopy")}</button>
            </div>
            <p id="app-password-usage">${msg("appPasswordUsage", appPasswordUsername)}</p>
            <p id="app-password-once"><strong>${msg("appPasswordShownOnce")}</strong></p>
            <script>
                document.getElementById('app-password-copy').addEventListener('click', function () {
                    var button = this;
                    navigator.clipboard.writeText(document.getElementById('app-password-value').textContent.trim())
                        .then(function () { button.textContent = button.getAttribute('data-copied'); });
                });
            </script>
        <#else>
            <p id="app-password-already-shown">${msg("appPasswordAlreadyShown")}</p>
        </#if>
        <form id="kc-app-password-done-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                <input type="submit" id="app-password-done" name="done" value="${msg("appPasswordDone")}"
                       class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonLargeClass!}"/>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
