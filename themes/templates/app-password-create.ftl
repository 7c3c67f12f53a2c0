<#import "template.ftl" as layout>
<#-- Step 1 of creating an app password: its name. Uses only template.ftl and theme properties, so it
     renders in any login theme that extends the stock ones. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('name','lifetimeDays','clients','protocols'); section>
    <#if section = "header">
        ${msg("appPasswordCreateTitle")}
    <#elseif section = "form">
        <#if appPasswordDenied??>
            <#-- The policy refuses this user: the message above says why; only a way back is offered. -->
            <#if isAppInitiatedAction??>
                <form id="kc-app-password-denied-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                    <button type="submit" id="app-password-cancel" name="cancel-aia" value="true"
                            class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonLargeClass!}">${msg("doCancel")}</button>
                </form>
            </#if>
        <#else>
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
            <#if appPasswordLifetimes?? && appPasswordLifetimes?has_content>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelWrapperClass!}">
                    <label for="app-password-lifetime" class="${properties.kcLabelClass!}">${msg("appPasswordLifetime")}</label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <select id="app-password-lifetime" name="lifetimeDays" class="${properties.kcInputClass!}"
                            aria-invalid="<#if messagesPerField.existsError('lifetimeDays')>true</#if>">
                        <#list appPasswordLifetimes as days>
                            <option value="${days?c}"<#if days == (appPasswordLifetime!0)> selected</#if>><#if days == 0>${msg("appPasswordLifetimeNever")}<#else>${msg("appPasswordLifetimeDays", days?c)}</#if></option>
                        </#list>
                    </select>
                    <#if messagesPerField.existsError('lifetimeDays')>
                        <span id="input-error-lifetimeDays" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${messagesPerField.get('lifetimeDays')}</span>
                    </#if>
                </div>
            </div>
            </#if>
            <#if appPasswordClientChoices?? && appPasswordClientChoices?has_content>
            <fieldset id="app-password-clients" class="${properties.kcFormGroupClass!}">
                <legend class="${properties.kcLabelClass!}">${msg("appPasswordRestrictClients")}</legend>
                <#list appPasswordClientChoices as choice>
                    <div class="${properties.kcCheckboxInputClass!}">
                        <label><input type="checkbox" name="clients" value="${choice.clientId}"<#if choice.selected == "true"> checked</#if>/> ${choice.label}</label>
                    </div>
                </#list>
                <p class="${properties.kcInputHelperTextBeforeClass!}">${msg("appPasswordRestrictClientsHelp")}</p>
                <#if messagesPerField.existsError('clients')>
                    <span id="input-error-clients" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${messagesPerField.get('clients')}</span>
                </#if>
            </fieldset>
            </#if>
            <#if appPasswordProtocolChoices?? && appPasswordProtocolChoices?has_content>
            <fieldset id="app-password-protocols" class="${properties.kcFormGroupClass!}" aria-describedby="app-password-protocols-help"
                      <#if messagesPerField.existsError('protocols')>aria-invalid="true"</#if>>
                <legend class="${properties.kcLabelClass!}">${msg("appPasswordProtocolsChoice")}</legend>
                <input type="hidden" name="protocolsOffered" value="true"/>
                <#list appPasswordProtocolChoices as choice>
                    <div class="${properties.kcCheckboxInputClass!}">
                        <input type="checkbox" id="app-password-protocol-${choice.id}" name="protocols" value="${choice.id}"<#if choice.selected == "true"> checked</#if>/>
                        <label for="app-password-protocol-${choice.id}">${msg("appPasswordProtocol_" + choice.id)}</label>
                    </div>
                </#list>
                <p id="app-password-protocols-help" class="${properties.kcInputHelperTextBeforeClass!}">${msg("appPasswordProtocolsHelp")}</p>
                <#if messagesPerField.existsError('protocols')>
                    <span id="input-error-protocols" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${messagesPerField.get('protocols')}</span>
                </#if>
            </fieldset>
            </#if>
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
    </#if>
</@layout.registrationLayout>
