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
            <#-- Only when the realm names its servers. Links, QR code and table work without script; the copy
                 buttons of the table appear with it. -->
            <#if appPasswordDevice??>
                <section id="app-password-device" aria-labelledby="app-password-device-title">
                    <h2 id="app-password-device-title" style="font-size:1.25em;font-weight:600;margin:1.2em 0 0.4em">${msg("appPasswordDeviceTitle")}</h2>
                    <#if appPasswordDevice.profileUrl??>
                        <p><a id="app-password-profile" href="${appPasswordDevice.profileUrl}"
                              class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!properties.kcButtonDefaultClass!}">${msg("appPasswordDeviceInstall")}</a></p>
                        <p id="app-password-profile-unsigned">${msg("appPasswordDeviceUnsigned")}</p>
                        <h3 id="app-password-scan-title" style="font-weight:600;margin:1em 0 0.4em">${msg("appPasswordDeviceScan")}</h3>
                        <p><img id="app-password-qr" src="${appPasswordDevice.qrImage}" width="${appPasswordDevice.qrSize?c}"
                                height="${appPasswordDevice.qrSize?c}" alt="${msg("appPasswordDeviceQrAlt")}"
                                aria-describedby="app-password-qr-help" style="background:#fff;max-width:100%;height:auto"></p>
                        <p id="app-password-qr-help">${msg("appPasswordDeviceScanHelp", appPasswordDevice.minutes)}</p>
                    </#if>
                    <h3 id="app-password-other-apps" style="font-weight:600;margin:1em 0 0.4em">${msg("appPasswordDeviceOtherApps")}</h3>
                    <p>${msg("appPasswordDeviceOtherAppsIntro")}</p>
                    <table id="app-password-settings" aria-labelledby="app-password-other-apps" style="width:100%;border-collapse:collapse">
                        <#list appPasswordDevice.groups as group>
                            <tbody>
                                <tr><th scope="rowgroup" colspan="3" style="text-align:start;padding-top:0.6em">${msg(group.heading)}</th></tr>
                                <#list group.rows as row>
                                    <tr style="border-top:1px solid #d2d2d2">
                                        <th scope="row" id="app-password-setting-${group?index}-${row?index}" style="text-align:start;font-weight:normal;padding:0.2em 0.4em">${msg(row.label)}</th>
                                        <td dir="ltr" style="padding:0.2em 0.4em;word-break:break-all"><code style="user-select:all">${row.value}</code></td>
                                        <td style="padding:0.2em 0.4em;text-align:end">
                                            <button type="button" hidden class="app-password-copy-setting ${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!properties.kcButtonDefaultClass!}"
                                                    data-value="${row.value}" data-copied="${msg("appPasswordCopied")}" aria-live="polite"
                                                    aria-describedby="app-password-setting-${group?index}-${row?index}">${msg("appPasswordCopy")}</button>
                                        </td>
                                    </tr>
                                </#list>
                            </tbody>
                        </#list>
                    </table>
                </section>
            </#if>
            <script>
                function appPasswordCopy(button, text) {
                    navigator.clipboard.writeText(text)
                        .then(function () { button.textContent = button.getAttribute('data-copied'); });
                }
                document.getElementById('app-password-copy').addEventListener('click', function () {
                    appPasswordCopy(this, document.getElementById('app-password-value').textContent.trim());
                });
                document.querySelectorAll('.app-password-copy-setting').forEach(function (button) {
                    button.hidden = false;
                    button.addEventListener('click', function () { appPasswordCopy(button, button.getAttribute('data-value')); });
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
