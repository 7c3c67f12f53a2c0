<#import "template.ftl" as layout>
<#-- Step 2: the new app password, shown this once. A reload or the back button renders this page without
     it (the server no longer has the value). -->
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("appPasswordCreatedTitle")}
    <#elseif section = "form">
        <#if appPassword??>
            <p id="app-password-created-intro">${msg("appPasswordCreatedIntro", appPasswordName)}</p>
            <#-- One line, left to right in every language (it is typed as written), with its copy button
                 beside it as the login theme's input groups have. -->
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcInputGroup!}" dir="ltr">
                    <div class="${properties.kcInputGroupItemClass!} ${properties.kcFill!}" style="min-width:0">
                        <code id="app-password-value" dir="ltr"
                              style="display:block;font-size:1.05em;white-space:nowrap;overflow-x:auto;padding:0.4em 0.6em;border:1px solid #d2d2d2;user-select:all">${appPassword}</code>
                    </div>
                    <div class="${properties.kcInputGroupItemClass!}">
                        <button type="button" id="app-password-copy" class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!properties.kcButtonDefaultClass!}"
                                data-copied="${msg("appPasswordCopied")}" aria-live="polite">${msg("appPasswordCopy")}</button>
                    </div>
                </div>
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
            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-buttons" class="${properties.kcFormActionGroupClass!properties.kcFormButtonsClass!}">
                    <input type="submit" id="app-password-done" name="done" value="${msg("appPasswordDone")}"
                           class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"/>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
