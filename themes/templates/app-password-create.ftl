<#import "template.ftl" as layout>
<#-- Step 1 of creating an app password: its name. Uses only template.ftl and theme properties, so it
     renders in any login theme that extends the stock ones. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('name'); section>
    <#if section = "header">
        ${msg("appPasswordCreateTitle")}
    <#elseif section = "form">
        <p id="app-password-intro">${msg("appPasswordCreateIntro")}</p>
        <form id="kc-app-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelWrapperClass!}">
                    <label for="app-password-name" class="${properties.kcLabelClass!}">${msg("appPasswordName")}</label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <input type="text" id="app-password-name" name="name" value="${appPasswordNameValue!''}"
                           class="${properties.kcInputClass!}" maxlength="64" autocomplete="off" autofocus
                           placeholder="${msg("appPasswordNamePlaceholder")}"
                           aria-invalid="<#if messagesPerField.existsError('name')>true</#if>"/>
                    <#if messagesPerField.existsError('name')>
                        <span id="input-error-name" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${messagesPerField.get('name')}</span>
                    </#if>
                </div>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                    <input type="submit" id="app-password-submit"
                           class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonLargeClass!}"
                           value="${msg("appPasswordCreate")}"/>
                    <#if isAppInitiatedAction??>
                        <button type="submit" id="app-password-cancel" name="cancel-aia" value="true"
                                class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonLargeClass!}">${msg("doCancel")}</button>
                    </#if>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
